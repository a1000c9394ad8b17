from django.urls import path

from . import views

urlpatterns = [
    path("administrera/", views.hub, name="orgadmin"),
    path("administrera/enheter/", views.departments, name="orgadmin_departments"),
    path("administrera/enheter/<int:pk>/", views.department_detail, name="orgadmin_department"),
    path("administrera/personer/", views.people_list, name="orgadmin_people"),
    path("administrera/personer/bjud-in/", views.invite, name="orgadmin_invite"),
    path("administrera/personer/<uuid:uuid>/", views.person_detail, name="orgadmin_person"),
    path("administrera/inbjudningar/<int:pk>/aterkalla/", views.withdraw_invitation,
         name="orgadmin_withdraw_invitation"),
    path("administrera/kategorier/", views.categories, name="orgadmin_categories"),
    path("administrera/kategorier/<int:pk>/", views.category_detail, name="orgadmin_category"),
    path("administrera/e-post/", views.outgoing_email, name="orgadmin_outgoing_email"),
]
