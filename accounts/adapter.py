from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Staff join an organisation by invitation only; nobody can sign themselves up to a municipality."""

    def is_open_for_signup(self, request) -> bool:
        return False
