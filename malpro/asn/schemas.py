"""Schemas of the ASN API's NIP claims (the obligation and report schemas sit in asn.api)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class NipClaimIn(Schema):
    nip: str = Field(..., max_length=24, examples=["19850712 201001 2 003"])


class OwnClaimOut(Schema):
    """One's own claim, as its claimant may read it: a claim the roster could not take reads
    `pending` like any claim waiting for an OPD."""

    id: int
    nip: str  # masked
    state: str  # pending | approved | rejected | withdrawn
    state_label: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str  # a rejection's reason; "" otherwise


class NipClaimAnswerOut(Schema):
    message: str
    claim: OwnClaimOut


class ClaimToReviewOut(Schema):
    """A pending claim in the queue of the OPD's officers (and the readers of every OPD, with
    the NIP and phones masked when they cannot decide)."""

    id: int
    nip: str
    employee_name: str
    agency_code: str
    account_name: str
    account_phone: str
    account_phone_verified: bool
    roster_phone: str
    created_at: dt.datetime
    other_claims: int  # other accounts waiting on the same NIP
    decidable: bool


class ClaimTransitionIn(Schema):
    to: str = Field(..., max_length=10, examples=["approved", "rejected", "withdrawn"])
    reason: str = Field("", max_length=300)


class ClaimTransitionOut(Schema):
    id: int
    state: str
