"""What the test provider says about its users: the claims an organisation's provider sends (decision 0056)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # Every claim in the ID token and at userinfo, whatever the scope (Entra sends them with openid profile email).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            # The users' last name says whether the provider vouches for the address (see run.py).
            "email_verified": user.last_name != "unverified",
            "name": user.first_name,
            "preferred_username": user.email,
        }
