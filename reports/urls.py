from django.urls import path

from . import views

urlpatterns = [
    path("statistik/", views.statistics, name="statistics"),
    path("statistik/export.csv", views.export_csv, name="statistics_csv"),
    path("statistik/export.xlsx", views.export_xlsx, name="statistics_xlsx"),
    path("statistik/rapport.pdf", views.annual_report, name="statistics_report"),
]
