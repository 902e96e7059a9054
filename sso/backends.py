"""How users log in: with a password (while that is allowed), and by single
sign-on through the municipality's OpenID Connect provider.

The single sign-on backend is mozilla-django-oidc's: it exchanges the code
(with the PKCE verifier) and fetches the signing keys and the user info. This
subclass verifies the ID token in full (signature, issuer, audience, expiry,
nonce), finds or creates the user by the provider's subject, and applies the
roles the directory's groups map to (goals.directory) at every login.
"""

from __future__ import annotations

import hmac
import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.auth import AccountBackend
from goals.directory import directory_roles_apply, granted_role_keys, managed_role_keys
from goals.permissions import Role
from sso.models import DirectoryAccount, LoginFailure
from sso.provider import ProviderUnavailable, provider

logger = logging.getLogger(__name__)
Reason = LoginFailure.Reason

# Clocks differ a little between the provider and here.
CLOCK_SKEW_SECONDS = 60


class PasswordBackend(AccountBackend):
    """The password login (demo accounts only with DEMO on), while LOCAL_LOGIN
    is on; with it off, only superusers, and only while BREAK_GLASS_LOGIN is on.
    Sessions begun with a password end the same way when the setting changes."""

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return settings.LOCAL_LOGIN or (settings.BREAK_GLASS_LOGIN and user.is_superuser)


class LoginRefused(Exception):
    def __init__(self, reason: str, username: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.username = username


class DirectoryBackend(OIDCAuthenticationBackend):
    def __init__(self) -> None:
        # Django makes one of these for every request with a session: it reads
        # no provider here, only at a login.
        self.UserModel = get_user_model()
        self.id_token = ""

    def get_user(self, user_id):
        if not settings.SSO_ENABLED:
            return None
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, nonce=None, code_verifier=None):
        """Only the callback view calls this, with the nonce and PKCE verifier of
        the state it has spent; password logins never reach it."""
        if request is None or nonce is None or not settings.SSO_ENABLED:
            return None
        try:
            self._use(provider())
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except ProviderUnavailable as error:
            logger.warning("Single sign-on: %s", error)
            raise LoginRefused(Reason.PROVIDER_UNAVAILABLE) from error
        except requests.HTTPError as error:
            logger.warning("Single sign-on: the provider refused: %s", error)
            raise LoginRefused(Reason.PROVIDER_ERROR) from error
        except requests.RequestException as error:
            logger.warning("Single sign-on: the provider could not be reached: %s", error)
            raise LoginRefused(Reason.PROVIDER_UNAVAILABLE) from error

    def _use(self, op) -> None:
        self.issuer = op.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = op.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = op.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = op.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    # --- the ID token ---------------------------------------------------------

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once its signature, issuer, audience, times and
        nonce are right; LoginRefused saying which one is wrong otherwise."""
        payload = self._decode(token)
        audience = payload.get("aud")
        if (
            isinstance(audience, list)
            and len(audience) > 1
            and payload.get("azp") != self.OIDC_RP_CLIENT_ID
        ):
            raise LoginRefused(Reason.AUDIENCE)
        if "nonce" not in kwargs:
            return payload  # signed user info, which carries no nonce
        expected, given = kwargs["nonce"], payload.get("nonce")
        if not (
            isinstance(expected, str)
            and isinstance(given, str)
            and hmac.compare_digest(expected.encode(), given.encode())
        ):
            raise LoginRefused(Reason.NONCE)
        return payload

    def _decode(self, token) -> dict:
        if not isinstance(token, str) or not token:
            raise LoginRefused(Reason.TOKEN)
        try:
            if jwt.get_unverified_header(token).get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise LoginRefused(Reason.SIGNATURE)
            key = self.retrieve_matching_jwk(token)
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise LoginRefused(Reason.EXPIRED) from error
        except jwt.InvalidAudienceError as error:
            raise LoginRefused(Reason.AUDIENCE) from error
        except jwt.InvalidIssuerError as error:
            raise LoginRefused(Reason.ISSUER) from error
        except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError, jwt.PyJWKError) as error:
            raise LoginRefused(Reason.SIGNATURE) from error
        except (SuspiciousOperation, KeyError) as error:
            # No key of the provider's has the token's key id.
            raise LoginRefused(Reason.SIGNATURE) from error
        except jwt.PyJWTError as error:
            raise LoginRefused(Reason.TOKEN) from error

    def store_tokens(self, access_token, id_token):
        # Kept for logging out at the provider; the view stores it in the new
        # session, which login() starts after this.
        self.id_token = id_token

    # --- the user -------------------------------------------------------------

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = (
            self.get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        )
        if not isinstance(userinfo, dict) or userinfo.get("sub", payload["sub"]) != payload["sub"]:
            raise LoginRefused(Reason.CLAIMS)
        claims = {**payload, **userinfo}
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not isinstance(username, str) or not username.strip() or len(username.strip()) > 150:
            raise LoginRefused(Reason.CLAIMS)
        username = username.strip()
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        groups = [groups] if isinstance(groups, str) else [str(group) for group in groups]

        with transaction.atomic():
            user, created = self._find_or_create(str(payload["sub"]), username, groups)
            if not user.is_active:
                raise LoginRefused(Reason.INACTIVE, username)
            self._update_details(user, claims, username)
            changes = directory_roles_apply(user=user, groups=groups)
            has_role = user.is_superuser or user.groups.filter(name__in=Role.values).exists()
            if created and not has_role:
                transaction.set_rollback(True)
        if changes:
            logger.info("Single sign-on: roles of %s changed: %s", username, ", ".join(changes))
        if not has_role:
            # Roles the directory took away stay taken away.
            raise LoginRefused(Reason.NO_ROLE, username)
        return user

    def _find_or_create(self, subject: str, username: str, groups: list[str]):
        account = (
            DirectoryAccount.objects.select_related("user")
            .filter(issuer=self.issuer, subject=subject)
            .first()
        )
        if account is not None:
            return account.user, False
        user = self.UserModel.objects.filter(username__iexact=username).first()
        created = user is None
        if user is not None:
            # A superuser's account is never taken over by a directory identity,
            # nor one that another identity already has.
            if user.is_superuser or DirectoryAccount.objects.filter(user=user).exists():
                raise LoginRefused(Reason.ACCOUNT_CONFLICT, username)
        elif not settings.OIDC_CREATE_USER:
            raise LoginRefused(Reason.NO_ACCOUNT, username)
        elif not set(granted_role_keys(groups)) & managed_role_keys():
            raise LoginRefused(Reason.NO_ROLE, username)
        else:
            user = self.UserModel(username=username)
            user.set_unusable_password()
            user.save()
        DirectoryAccount.objects.create(user=user, issuer=self.issuer, subject=subject)
        return user, created

    def _update_details(self, user, claims: dict, username: str) -> None:
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = claims.get(claim)
            if isinstance(value, str) and value[:150] != getattr(user, field):
                setattr(user, field, value[:150])
                changed.append(field)
        email = claims.get("email")
        if isinstance(email, str) and len(email) <= 254 and email != user.email:
            user.email = email
            changed.append("email")
        if (
            username != user.username
            and not self.UserModel.objects.filter(username__iexact=username)
            .exclude(pk=user.pk)
            .exists()
        ):
            user.username = username
            changed.append("username")
        if changed:
            user.save(update_fields=changed)
