"""ASN template helpers. `asn_verdict`: whether what an ASN is looking at counts toward the
obligation, for the badge on a product page and on each cart line (templates registered through
core.hooks). The rules are read once per request (obligation.counting_rules) and applied to each
product without a query of its own."""

from django import template

from malpro.accounts import access as accounts
from malpro.asn import access, obligation, periods

register = template.Library()

_CACHE = "_asn_counting_rules"


def rules_for(request) -> obligation.CountingRules | None:
    """The counting rules when the signed-in person is an ASN on the roster, else None."""
    if request is None:
        return None
    if not hasattr(request, _CACHE):
        user = getattr(request, "user", None)
        rules = None
        if accounts.is_asn(user=user) and access.employee_of(user=user) is not None:
            rules = obligation.counting_rules()
        setattr(request, _CACHE, rules)
    return getattr(request, _CACHE)


@register.simple_tag(takes_context=True)
def asn_verdict(context, product, category_name: str = ""):
    """obligation.Verdict for `product` (its business loaded), or None for anyone not an ASN."""
    rules = rules_for(context.get("request"))
    if rules is None or product is None:
        return None
    return rules.verdict(
        business_status=product.business.status,
        category_id=product.category_id,
        category=category_name,
    )


@register.filter
def period_human(period) -> str:
    """A Period (or anything with year and month) as "November 2026"."""
    return periods.human(period.year, period.month)
