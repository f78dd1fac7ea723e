from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from cohort.demo import DEMO_PASSWORD, STAFF, seed_core


class Command(BaseCommand):
    help = "Create or refresh the demo cohort (slug 'demo') with its people and records."

    def handle(self, *args, **options):
        with transaction.atomic():
            demo = seed_core()
            for config in apps.get_app_configs():
                if config.name == "cohort":
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(demo)
        self.print_logins(demo)

    def print_logins(self, demo):
        out = self.stdout
        out.write("")
        out.write(
            self.style.SUCCESS(f"Demo cohort ready: {demo.cohort.name} (/c/{demo.cohort.slug}/)")
        )
        out.write(f"Log in at http://127.0.0.1:8000/accounts/login/ with password {DEMO_PASSWORD}:")
        for email, name, role in STAFF:
            out.write(f"  {email:<22} {role.label:<12} {name}")
        out.write("  p01@demo.test ... p40@demo.test   participants")
        out.write("")
