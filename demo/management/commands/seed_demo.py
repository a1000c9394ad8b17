from django.conf import settings
from django.core.management.base import BaseCommand

from demo.world import DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL, seed_demo


class Command(BaseCommand):
    help = "Provision Ystad, Skurup and Trelleborg with departments and demo people, and print the logins."

    def handle(self, *args, **options):
        logins = seed_demo()
        port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        for host, email, role in logins:
            self.stdout.write(f"  http://{host}{port}/  {email:<28} {role}")
        console = f"http://{settings.PLATFORM_DOMAIN}{port}/konsol/"
        self.stdout.write(f"  {console}  {PLATFORM_ADMIN_EMAIL}  platform admin\n")
