"""The orders' message templates (notifications.kinds): what the seller and the buyer of an
order are told, each with the order's page (/pesanan/<id>/, both parties act there)."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

ORDER_PAGE = "/pesanan/%(order_id)s/"

KINDS = [
    # --- to the seller ---
    Kind(
        "order.new_for_seller",
        "orders",
        _("Pesanan baru %(number)s"),
        _(
            "Pesanan %(number)s dari %(buyer)s: %(items)s (%(total)s, %(delivery)s, "
            "%(payment)s). Terima atau tolak sebelum %(deadline)s."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.paid_for_seller",
        "orders",
        _("Pesanan baru %(number)s sudah dibayar"),
        _(
            "Pesanan %(number)s dari %(buyer)s: %(items)s, sudah dibayar %(total)s "
            "(%(delivery)s). Terima atau tolak sebelum %(deadline)s."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.completed_cod_for_seller",
        "payments",
        _("Pesanan %(number)s selesai"),
        _("Pesanan %(number)s selesai: pembeli sudah menerimanya, tunai %(total)s tercatat."),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.completed_paid_for_seller",
        "payments",
        _("Dana %(total)s masuk ke saldo Anda"),
        _(
            "Pesanan %(number)s selesai; %(total)s masuk ke saldo %(shop)s dan dicairkan pada "
            "pencairan berikutnya."
        ),
        link="%(path)s",
    ),
    Kind(
        "order.auto_cancelled_for_seller",
        "orders",
        _("Pesanan %(number)s dibatalkan otomatis"),
        _(
            "Pesanan %(number)s dibatalkan otomatis karena tidak diterima atau ditolak dalam "
            "%(hours)s jam. Stok barangnya dikembalikan."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "review.added_for_seller",
        "shop",
        _("Ulasan baru untuk %(product)s"),
        _(
            'Pembeli %(buyer)s memberi nilai %(rating)s/5 untuk %(product)s: "%(text)s". '
            "Anda dapat membalasnya."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.cancelled_for_seller",
        "orders",
        _("Pesanan %(number)s dibatalkan"),
        _("Pesanan %(number)s dibatalkan oleh %(by)s. %(reason)s Jangan dikirim."),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.refunded_paid_for_seller",
        "payments",
        _("Pesanan %(number)s dikembalikan dananya"),
        _(
            "Admin kota mengabulkan keluhan pembeli atas pesanan %(number)s (%(reason)s). "
            "%(total)s dikembalikan kepada pembeli dari saldo %(shop)s; jika sudah dicairkan, "
            "jumlah itu dipotong dari pencairan berikutnya."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.refunded_cod_for_seller",
        "payments",
        _("Pesanan %(number)s dikembalikan dananya"),
        _(
            "Admin kota mengabulkan keluhan pembeli atas pesanan %(number)s (%(reason)s). "
            "Kembalikan uang tunai %(total)s kepada pembeli."
        ),
        link=ORDER_PAGE,
    ),
    # --- to the buyer ---
    Kind(
        "order.accepted_for_buyer",
        "orders",
        _("Pesanan %(number)s diterima penjual"),
        _("Toko %(shop)s menerima pesanan %(number)s dan sedang menyiapkannya."),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.rejected_for_buyer",
        "orders",
        _("Pesanan %(number)s ditolak penjual"),
        _(
            "Toko %(shop)s menolak pesanan %(number)s. Alasan: %(reason)s. Lihat rinciannya di "
            "halaman pesanan."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.ready_pickup_for_buyer",
        "orders",
        _("Pesanan %(number)s siap diambil"),
        _("Pesanan %(number)s siap diambil di %(shop)s, %(address)s. Total %(total)s."),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.ready_delivery_for_buyer",
        "orders",
        _("Pesanan %(number)s sedang diantar"),
        _("Toko %(shop)s sedang mengantar pesanan %(number)s. Total %(total)s."),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.delivered_for_buyer",
        "orders",
        _("Pesanan %(number)s sudah diserahkan"),
        _("Pesanan %(number)s dari %(shop)s sudah diserahkan. Konfirmasi selesai dan beri ulasan."),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.auto_cancelled_for_buyer",
        "orders",
        _("Pesanan %(number)s dibatalkan"),
        _(
            "Pesanan %(number)s di %(shop)s dibatalkan otomatis karena %(why)s. Lihat "
            "rinciannya di halaman pesanan."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.cancelled_for_buyer",
        "orders",
        _("Pesanan %(number)s dibatalkan admin"),
        _(
            "Pesanan %(number)s di %(shop)s dibatalkan oleh admin kota. Alasan: %(reason)s. "
            "Lihat rinciannya di halaman pesanan."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.refunded_paid_for_buyer",
        "payments",
        _("Dana %(total)s akan dikembalikan"),
        _(
            "Keluhan Anda atas pesanan %(number)s di %(shop)s dikabulkan admin kota "
            "(%(reason)s). Dana %(total)s akan dikembalikan kepada Anda."
        ),
        link=ORDER_PAGE,
    ),
    Kind(
        "order.refunded_cod_for_buyer",
        "payments",
        _("Keluhan atas pesanan %(number)s dikabulkan"),
        _(
            "Keluhan Anda atas pesanan %(number)s di %(shop)s dikabulkan admin kota "
            "(%(reason)s). Penjual mengembalikan uang tunai %(total)s kepada Anda."
        ),
        link=ORDER_PAGE,
    ),
]
