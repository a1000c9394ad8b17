"""The two number series (F: invoices, K: credit notes) and Delbar's first plan with its yearly prices."""

from django.db import migrations

PRICES_ORE = {"small": 2_400_000, "medium": 4_800_000, "large": 9_600_000}  # 24 000, 48 000, 96 000 kr excl. VAT


def forwards(apps, schema_editor):
    from django_tenants.utils import get_public_schema_name

    if schema_editor.connection.schema_name != get_public_schema_name():
        return
    InvoiceSeries = apps.get_model("billing", "InvoiceSeries")
    Plan = apps.get_model("billing", "Plan")
    PlanPrice = apps.get_model("billing", "PlanPrice")
    InvoiceSeries.objects.get_or_create(code="F", defaults={"prefix": "F"})
    InvoiceSeries.objects.get_or_create(code="K", defaults={"prefix": "K"})
    plan, _ = Plan.objects.get_or_create(
        code="delbar", defaults={"name_sv": "Delbar årsabonnemang", "name_en": "Delbar annual subscription",
                                 "trial_days": 30},
    )
    for band, price in PRICES_ORE.items():
        PlanPrice.objects.get_or_create(plan=plan, band=band, defaults={"yearly_price_ore": price})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_plans_and_invoices")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
