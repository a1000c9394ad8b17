from django.urls import path

from . import impact_admin, views

urlpatterns = [
    path("statistik/", views.statistics, name="statistics"),
    path("statistik/export.csv", views.export_csv, name="statistics_csv"),
    path("statistik/export.xlsx", views.export_xlsx, name="statistics_xlsx"),
    path("statistik/rapport.pdf", views.annual_report, name="statistics_report"),
    # The organisation's own impact decisions (decision 0032).
    path("statistik/referenspriser/", impact_admin.price_list, name="impact_prices"),
    path("statistik/referenspriser/<str:key>/", impact_admin.price_edit, name="impact_price_edit"),
    path("statistik/referenspriser/<str:key>/ta-bort/", impact_admin.price_clear, name="impact_price_clear"),
    path("statistik/korrigeringar/", impact_admin.correction_list, name="impact_corrections"),
    path("statistik/korrigeringar/<uuid:uuid>/", impact_admin.correction_edit, name="impact_correction_edit"),
    path("statistik/korrigeringar/<uuid:uuid>/ta-bort/", impact_admin.correction_clear,
         name="impact_correction_clear"),
]
