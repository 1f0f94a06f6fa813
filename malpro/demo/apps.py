from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "malpro.demo"
    label = "demo"
    verbose_name = "Demo data"
