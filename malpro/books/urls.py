from malpro.books import views_cash, views_more

app_name = "books"
# Two page modules: the cash book and its entry form (views_cash), and debts, stock,
# reports, sharing, assistance and the agency's view (views_more).
urlpatterns = [*views_cash.urlpatterns, *views_more.urlpatterns]
