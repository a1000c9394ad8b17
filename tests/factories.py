"""factory-boy factories for an organisation's own data. Use them inside ``schema_context(organisation...)``:
the rows land in whichever schema the connection points at."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Department, Invitation, Role, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Enhet {n}")
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"medarbetare{n}@kommun.example")
    full_name = factory.Faker("name", locale="sv_SE")
    role = Role.MEMBER
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"inbjuden{n}@kommun.example")
    role = Role.MEMBER
    department = factory.SubFactory(DepartmentFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
