from django.conf import settings
from django.core.management.base import BaseCommand

from demo.billing import demo_billing_summary
from demo.deals import demo_deals
from demo.world import DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL, seed_demo


class Command(BaseCommand):
    help = ("Provision Ystad, Skurup and Trelleborg with departments, demo people, listings, loans and deals between "
            "them, and print the logins and the deals.")

    def handle(self, *args, **options):
        logins = seed_demo()
        port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        for host, email, role in logins:
            self.stdout.write(f"  http://{host}{port}/  {email:<28} {role}")
        console = f"http://{settings.PLATFORM_DOMAIN}{port}/konsol/"
        self.stdout.write(f"  {console}  {PLATFORM_ADMIN_EMAIL}  platform admin\n")
        self.stdout.write("\nSubscriptions (the console shows them, with each invoice's PDF and Peppol XML)\n")
        for line in demo_billing_summary():
            self.stdout.write(line)
        self.stdout.write("\nDeals between the organisations (owner → asker: what, state; contact person)\n")
        for deal in demo_deals():
            price = f", {deal.total} kr incl. VAT" if deal.total else ""
            self.stdout.write(
                f"  {deal.owner_name} → {deal.requester_name}: {deal.quantity} × {deal.title}, "
                f"{deal.get_status_display()}{price}; {deal.contact_email}"
            )
        self.stdout.write("")
