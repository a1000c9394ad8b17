"""Sign-up (issue 11 part 2, decision 0051): the services, and the bad input and safety cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_context, schema_exists

from onboarding import municipalities, selectors, services
from onboarding.models import SignUp, SignUpStatus
from outbox.models import OutboxMessage
from tenants.models import Organisation
from tenants.services import OrganisationDetails, provision_organisation

from .onboarding_support import EMAIL, outbox_in, sjobo_details, verified_signup, verify_url_for

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- the municipalities


def test_all_290_municipalities_are_shipped_with_unique_codes():
    # given the list shipped in the repository
    listed = municipalities.municipalities()
    # then
    assert len(listed) == 290
    assert len(set(listed)) == 290
    assert len(set(listed.values())) == 290
    assert all(len(code) == 4 and code.isdigit() for code in listed)
    assert listed["1265"] == "Sjöbo"
    assert listed["1286"] == "Ystad"
    assert listed["1214"] == "Svalöv"
    assert listed["0180"] == "Stockholm"
    assert listed["1480"] == "Göteborg"
    assert listed["2584"] == "Kiruna"
    # every county's first two digits are one of Sweden's 21 counties
    assert {code[:2] for code in listed} == {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14",
                                            "17", "18", "19", "20", "21", "22", "23", "24", "25"}


def test_municipality_choices_are_sorted_the_swedish_way():
    names = [label for _, label in municipalities.choices()]
    assert names[0] == "Ale (1440)"
    assert names[-1].startswith("Övertorneå")
    assert names.index("Åmål (1492)") < names.index("Älmhult (0765)") < names.index("Örebro (1880)")


# ---------------------------------------------------------------------------------------------- 1. the e-mail


def test_a_sign_up_e_mails_a_verification_link_and_a_double_submission_sends_one():
    # when the form is sent twice in a row
    first = services.start_signup(email=" Anna.Andersson@Sjobo.se ", language="sv", verify_url_for=verify_url_for)
    second = services.start_signup(email=EMAIL, language="sv", verify_url_for=verify_url_for)
    # then one sign-up, one e-mail, in Swedish, with the link
    assert first.pk == second.pk
    messages = list(OutboxMessage.objects.filter(kind="onboarding.verification"))
    assert len(messages) == 1
    assert messages[0].payload["to"] == [EMAIL]
    assert "/anslut/bekrafta/" in messages[0].payload["body"]
    assert "Bekräfta" in messages[0].payload["subject"]
    assert first.token_hash and len(first.token_hash) == 64


def test_a_new_link_after_a_minute_replaces_the_first():
    signup = services.start_signup(email=EMAIL, language="en", verify_url_for=verify_url_for)
    SignUp.objects.filter(pk=signup.pk).update(verification_sent_at=timezone.now() - timedelta(minutes=2))
    again = services.start_signup(email=EMAIL, language="en", verify_url_for=verify_url_for)
    assert again.pk == signup.pk and again.token_hash != signup.token_hash
    assert OutboxMessage.objects.filter(kind="onboarding.verification").count() == 2


def test_a_bad_address_is_refused():
    with pytest.raises(ValidationError) as error:
        services.start_signup(email="inte-en-adress", language="sv", verify_url_for=verify_url_for)
    assert "email" in error.value.message_dict


def test_an_applicant_who_never_verifies_expires():
    # given a sign-up whose link went out 49 hours ago and was never opened
    services.start_signup(email=EMAIL, language="sv", verify_url_for=verify_url_for)
    from .onboarding_support import last_verification_token

    token = last_verification_token()
    SignUp.objects.filter(email=EMAIL).update(verification_sent_at=timezone.now() - timedelta(hours=49))
    # then the link no longer works
    from onboarding.errors import SignUpError

    with pytest.raises(SignUpError) as error:
        services.verify_email(token=token)
    assert error.value.code == "signup_link_expired"
    # when the daily job runs
    removed = services.expire_signups()
    # then the sign-up and the address are gone, and a second run changes nothing
    assert removed == 1
    assert not SignUp.objects.filter(email=EMAIL).exists()
    assert services.expire_signups() == 0
    with pytest.raises(SignUpError) as error:
        services.verify_email(token=token)
    assert error.value.code == "signup_link_invalid"


def test_a_verified_sign_up_whose_details_never_come_expires_after_30_days_but_not_before():
    signup = verified_signup()
    SignUp.objects.filter(pk=signup.pk).update(verified_at=timezone.now() - timedelta(days=29))
    assert services.expire_signups() == 0
    SignUp.objects.filter(pk=signup.pk).update(verified_at=timezone.now() - timedelta(days=31))
    assert services.expire_signups() == 1


def test_verifying_marks_the_address_verified():
    signup = verified_signup()
    assert signup.status == SignUpStatus.VERIFIED and signup.verified_at is not None


# ---------------------------------------------------------------------------------------------- 2. the details


def test_a_wrong_check_digit_gets_a_clear_swedish_message():
    signup = verified_signup()
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        services.submit_details(signup=signup, details=sjobo_details(organisation_number="212000-1158"))
    message = error.value.message_dict["organisation_number"][0]
    assert "fel kontrollsiffra" in message and "212000-1158" in message


def test_an_organisation_number_already_on_delbar_is_refused_with_a_way_to_its_admins(ystad):
    signup = verified_signup()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.submit_details(signup=signup, details=sjobo_details(organisation_number="212000-1165", slug="ny"))
    problem = error.value.error_dict["organisation_number"][0]
    assert problem.code == services.ALREADY_ON_DELBAR and problem.params["organisation_id"] == ystad.pk
    assert "Ystads kommun" in error.value.messages[0] and "invite" in error.value.messages[0]
    # when the applicant asks its administrators
    assert services.ask_admins_to_invite(signup=signup, organisation_id=ystad.pk) is True
    assert services.ask_admins_to_invite(signup=signup, organisation_id=ystad.pk) is False  # once
    sent = OutboxMessage.objects.none()
    with schema_context(ystad.schema_name):
        sent = list(OutboxMessage.objects.filter(key=f"onboarding:ask:{signup.uuid}"))
    assert len(sent) == 1
    assert sent[0].payload["to"] == ["admin@ystad.example"] and sent[0].payload["reply_to"] == [EMAIL]
    assert "/administrera/personer/bjud-in/" in sent[0].payload["body"]


@pytest.mark.parametrize(("slug", "words"), [("ystad", "upptagen"), ("konsol", "reserverad"), ("Sjö-bo", "gemena")])
def test_a_taken_reserved_or_malformed_address_is_refused(slug, words):
    signup = verified_signup()
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        services.submit_details(signup=signup, details=sjobo_details(slug=slug))
    assert words in error.value.message_dict["slug"][0]


def test_every_missing_detail_is_named_by_its_field():
    signup = verified_signup()
    with pytest.raises(ValidationError) as error:
        services.submit_details(signup=signup, details=sjobo_details(
            full_name="", name="", kind="x", municipality_code="9999", invoice_address="", buyer_reference="",
            peppol_id="0007:123"))
    assert set(error.value.message_dict) == {"full_name", "name", "kind", "municipality_code", "invoice_address",
                                             "buyer_reference", "peppol_id"}


def test_the_peppol_id_defaults_to_0007_and_the_organisation_number():
    signup = verified_signup()
    signup = services.submit_details(signup=signup, details=sjobo_details())
    assert signup.peppol_id == "0007:2120001157"
    assert signup.status == SignUpStatus.PROVISIONING and signup.token_hash is None


def test_a_double_submitted_sign_up_provisions_once(django_capture_on_commit_callbacks):
    signup = verified_signup()
    # when the details are sent twice (a double click)
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.submit_details(signup=signup, details=sjobo_details())
        second = services.submit_details(signup=signup, details=sjobo_details(slug="annat"))
    # then one provisioning is queued and the first details stand
    assert len(callbacks) == 1
    assert first.pk == second.pk and second.slug == "sjobo"


def test_an_address_held_by_another_sign_up_being_set_up_is_refused():
    services.submit_details(signup=verified_signup(), details=sjobo_details())
    other = verified_signup("bo@sjobo.se")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.submit_details(signup=other, details=sjobo_details(organisation_number="212000-1173"))
    assert "taken" in error.value.message_dict["slug"][0]
    assert services.slug_problem(slug="sjobo") is not None
    assert services.slug_problem(slug="sjobo-kommun") is None


# ---------------------------------------------------------------------------------------------- 3. provisioning


def _submitted(**changes) -> SignUp:
    return services.submit_details(signup=verified_signup(), details=sjobo_details(**changes))


def test_provisioning_sets_up_the_organisation_and_its_first_admin_and_sends_the_welcome():
    # given the details sent
    signup = _submitted()
    # when the task runs
    signup = services.run_provisioning(signup_id=signup.pk)
    # then the organisation is active with its schema, and the applicant its admin without a password yet
    organisation = Organisation.objects.get(slug="sjobo")
    assert organisation.status == "active" and organisation.municipality_code == "1265"
    assert organisation.email_domains == ["sjobo.se"]
    assert signup.status == SignUpStatus.READY and signup.organisation_id == organisation.pk
    from accounts.models import User

    with schema_context(organisation.schema_name):
        admin = User.objects.get(email=EMAIL)
        assert admin.role == "org_admin" and admin.full_name == "Anna Andersson"
        assert not admin.has_usable_password()
        assert admin.emailaddress_set.get().verified
    welcome = outbox_in(organisation.schema_name, "onboarding.welcome")
    assert len(welcome) == 1 and welcome[0].payload["to"] == [EMAIL]
    assert "http://sjobo.localhost:8000/kom-igang/losenord/" in welcome[0].payload["body"]
    assert "Välkommen" in welcome[0].payload["subject"]
    # and running it again changes nothing
    services.run_provisioning(signup_id=signup.pk)
    SignUp.objects.filter(pk=signup.pk).update(status=SignUpStatus.PROVISIONING)
    services.run_provisioning(signup_id=signup.pk)
    assert len(outbox_in(organisation.schema_name, "onboarding.welcome")) == 1
    with schema_context(organisation.schema_name):
        assert User.objects.filter(email=EMAIL).count() == 1


def test_a_provisioning_worker_killed_half_way_finishes_on_retry(monkeypatch):
    # given a worker that dies after the schema was cloned, before the first admin is made
    signup = _submitted()
    real = services._ensure_first_admin

    def die(signup):
        raise SystemExit("killed")

    monkeypatch.setattr(services, "_ensure_first_admin", die)
    with pytest.raises(SystemExit):
        services.run_provisioning(signup_id=signup.pk)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PROVISIONING
    assert schema_exists("org_sjobo")
    # when the task is delivered again (the broker, or the progress page after a minute)
    assert services.requeue_if_stalled(signup=signup) is False  # not yet: it was queued just now
    SignUp.objects.filter(pk=signup.pk).update(queued_at=timezone.now() - timedelta(minutes=2))
    signup.refresh_from_db()
    assert services.requeue_if_stalled(signup=signup) is True
    monkeypatch.setattr(services, "_ensure_first_admin", real)
    signup = services.run_provisioning(signup_id=signup.pk)
    # then it is finished, once
    assert signup.status == SignUpStatus.READY and signup.attempts == 2
    assert Organisation.objects.get(slug="sjobo").status == "active"
    assert len(outbox_in("org_sjobo", "onboarding.welcome")) == 1


def test_an_address_taken_between_submitting_and_provisioning_sends_the_applicant_back_with_a_clear_message():
    # given the details sent, and the console or a command taking the address first
    signup = _submitted()
    provision_organisation(details=OrganisationDetails(
        name="Sjöbo Energi AB", slug="sjobo", kind="company", organisation_number="212000-1173"))
    # when the task runs
    with translation.override("sv"):
        signup = services.run_provisioning(signup_id=signup.pk)
    # then the sign-up is back at the details, saying why, and nothing was made for it
    assert signup.status == SignUpStatus.VERIFIED
    assert "sjobo" in signup.last_error and "annan organisation" in signup.last_error
    assert Organisation.objects.filter(organisation_number="212000-1157").count() == 0
    # and it can choose another address
    signup = services.submit_details(signup=signup, details=sjobo_details(slug="sjobo-kommun"))
    assert services.run_provisioning(signup_id=signup.pk).status == SignUpStatus.READY


def test_with_approval_required_the_organisation_waits_set_up_but_not_live(settings):
    settings.SIGNUP_REQUIRES_APPROVAL = True
    signup = services.run_provisioning(signup_id=_submitted().pk)
    organisation = Organisation.objects.get(slug="sjobo")
    assert signup.status == SignUpStatus.AWAITING_APPROVAL and organisation.status == "provisioning"
    assert outbox_in(organisation.schema_name, "onboarding.welcome") == []
    assert list(selectors.awaiting_approval()) == [signup]
    # when a platform admin approves
    signup = services.approve_signup(signup=signup)
    organisation.refresh_from_db()
    assert signup.status == SignUpStatus.READY and organisation.status == "active"
    assert len(outbox_in(organisation.schema_name, "onboarding.welcome")) == 1
    assert services.approve_signup(signup=signup).status == SignUpStatus.READY  # again: nothing more
    assert len(outbox_in(organisation.schema_name, "onboarding.welcome")) == 1


def test_the_invoice_details_are_kept_for_billing():
    signup = services.run_provisioning(signup_id=_submitted().pk)
    from billing.selectors import invoice_details

    details = invoice_details(organisation_id=signup.organisation_id)
    assert details.buyer_reference == "KS 4711" and details.peppol_id == "0007:2120001157"


def test_the_checklist_is_ticked_from_the_organisations_data():
    signup = services.run_provisioning(signup_id=_submitted().pk)
    organisation = Organisation.objects.get(pk=signup.organisation_id)
    with schema_context(organisation.schema_name):
        # (the payment step is done: invoice payment was chosen at sign-up)
        assert [step.done for step in selectors.checklist(organisation_id=organisation.pk)] == [False] * 4 + [True]
        from accounts.services import ensure_departments

        ensure_departments(tree={"Kommunledningsförvaltningen": ["Ekonomi"]})
        steps = {step.key: step.done for step in selectors.checklist(organisation_id=organisation.pk)}
    assert steps == {"departments": True, "invite": False, "network": False, "listing": False, "payment": True}
    connection.set_schema_to_public()


def test_the_daily_task_removes_expired_sign_ups():
    from onboarding.tasks import expire_signups

    services.start_signup(email=EMAIL, language="sv", verify_url_for=verify_url_for)
    SignUp.objects.filter(email=EMAIL).update(verification_sent_at=timezone.now() - timedelta(days=3))
    assert expire_signups() == 1
    assert expire_signups() == 0


# ---------------------------------------------------------------------------------------------- plan and payment (0057)


def _billing(organisation_id: int):
    from billing.models import InvoiceDetails, Subscription

    return (list(Subscription.objects.filter(organisation_id=organisation_id)),
            list(InvoiceDetails.objects.filter(organisation_id=organisation_id)))


def test_provisioning_starts_the_trial_and_hands_the_invoice_details_to_billing_once():
    # given the details sent with the plan, the size and invoice payment
    signup = _submitted(band="medium")
    # when the task runs, and runs again (a worker's retry)
    signup = services.run_provisioning(signup_id=signup.pk)
    SignUp.objects.filter(pk=signup.pk).update(status=SignUpStatus.PROVISIONING)
    services.run_provisioning(signup_id=signup.pk)
    # then one trial of the plan, for the size chosen, with invoice payment and the invoice details with billing
    (subscription,), (details,) = _billing(signup.organisation_id)
    assert (subscription.plan.code, subscription.band, subscription.status) == ("delbar", "medium", "trialing")
    assert subscription.payment_method == "invoice"
    assert subscription.trial_end == timezone.localdate() + timedelta(days=30)
    assert (details.street, details.postal_code, details.city) == ("Sjöbo kommun, Fakturor", "275 80", "Sjöbo")
    assert (details.buyer_reference, details.peppol_id) == ("KS 4711", "0007:2120001157")
    # and no invoice yet: it is issued when the trial ends
    from billing.models import Invoice

    assert not Invoice.objects.filter(organisation_id=signup.organisation_id).exists()
    assert SignUp.objects.get(pk=signup.pk).billing_handed_over_at is not None


def test_a_double_submitted_sign_up_starts_one_trial(django_capture_on_commit_callbacks):
    signup = verified_signup()
    with django_capture_on_commit_callbacks(execute=False):
        services.submit_details(signup=signup, details=sjobo_details())
        services.submit_details(signup=signup, details=sjobo_details(band="large"))
    services.run_provisioning(signup_id=signup.pk)
    services.run_provisioning(signup_id=signup.pk)
    signup.refresh_from_db()
    (subscription,), _ = _billing(signup.organisation_id)
    assert subscription.band == "small"


def test_a_worker_killed_while_handing_over_to_billing_finishes_with_one_trial(monkeypatch):
    # given a worker that dies after billing's writes, before the sign-up is marked ready (one transaction)
    signup = _submitted()
    real = services._hand_over_to_billing

    def die(signup, organisation):
        real(signup, organisation)
        raise SystemExit("killed")

    monkeypatch.setattr(services, "_hand_over_to_billing", die)
    with pytest.raises(SystemExit):
        services.run_provisioning(signup_id=signup.pk)
    signup.refresh_from_db()
    organisation = Organisation.objects.get(slug="sjobo")
    assert signup.status == SignUpStatus.PROVISIONING
    assert _billing(organisation.pk) == ([], [])  # rolled back with the sign-up's step
    # when it is delivered again
    monkeypatch.setattr(services, "_hand_over_to_billing", real)
    signup = services.run_provisioning(signup_id=signup.pk)
    # then it finishes, with one trial
    assert signup.status == SignUpStatus.READY
    subscriptions, details = _billing(organisation.pk)
    assert len(subscriptions) == 1 and len(details) == 1


def test_card_payment_is_refused_unless_card_payment_is_offered(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.submit_details(signup=verified_signup(), details=sjobo_details(payment_method="card"))
    assert error.value.message_dict == {"payment_method": ["Choose how you pay."]}


def test_card_payment_starts_the_trial_and_the_checklist_sends_the_admin_to_the_subscription_page(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    signup = services.run_provisioning(signup_id=_submitted(payment_method="card").pk)
    (subscription,), details = _billing(signup.organisation_id)
    # no method until Stripe says the checkout completed; the invoice details are not handed over
    assert subscription.status == "trialing" and subscription.payment_method == "" and details == []
    organisation = Organisation.objects.get(pk=signup.organisation_id)
    with schema_context(organisation.schema_name), translation.override("en"):
        step = selectors.checklist(organisation_id=organisation.pk)[-1]
    connection.set_schema_to_public()
    assert (step.key, step.done, step.url) == ("payment", False, "/administrera/abonnemang/")
    assert "card" in step.text


@pytest.mark.parametrize(("changes", "field"), [
    ({"invoice_address": "Sjöbo kommun, Fakturor, Sjöbo"}, "invoice_address"),
    ({"band": ""}, "band"),
    ({"band": "huge"}, "band"),
    ({"plan_code": "guld"}, "plan_code"),
    ({"payment_method": "bitcoin"}, "payment_method"),
])
def test_a_bad_plan_size_payment_or_invoice_address_is_named_by_its_field(changes, field):
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        services.submit_details(signup=verified_signup(), details=sjobo_details(**changes))
    assert list(error.value.message_dict) == [field]
    assert SignUp.objects.get(email=EMAIL).status == SignUpStatus.VERIFIED  # nothing half-written


def test_the_only_plan_is_taken_when_none_is_named():
    signup = services.submit_details(signup=verified_signup(), details=sjobo_details(plan_code=""))
    assert signup.plan_code == "delbar"


def test_the_invoice_address_is_split_for_billing():
    assert services.split_invoice_address("Sjöbo kommun\nFakturor\n275 80 Sjöbo") == (
        "Sjöbo kommun, Fakturor", "275 80", "Sjöbo")
    assert services.split_invoice_address("Box 1\nSE-27580 Sjöbo") == ("Box 1", "275 80", "Sjöbo")
    assert services.split_invoice_address("275 80 Sjöbo") is None
    assert services.split_invoice_address("Sjöbo kommun\nSjöbo") is None


def test_with_approval_required_the_trial_starts_when_approved(settings):
    settings.SIGNUP_REQUIRES_APPROVAL = True
    signup = services.run_provisioning(signup_id=_submitted().pk)
    assert _billing(signup.organisation_id) == ([], [])
    services.approve_signup(signup=signup)
    services.approve_signup(signup=signup)
    subscriptions, details = _billing(signup.organisation_id)
    assert len(subscriptions) == 1 and len(details) == 1
