"""Channel credentials at rest: Fernet-encrypted with a key from the environment (PAUTA_CREDENTIALS_KEY).

The key may be a Fernet key or any passphrase (hashed into one), so an operator can paste whatever secret
their platform generates. A comma-separated list rotates keys: the first encrypts, all of them decrypt.
Development with no key falls back to SECRET_KEY; production refuses to start without one (settings).
Decrypted values live only in memory for the duration of a network call and are never rendered.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext as _

from calendar_app.errors import InvalidInputError
from scheduler.models import Channel


def _fernet_for(secret: str) -> Fernet:
    try:
        return Fernet(secret)
    except ValueError:
        digest = hashlib.sha256(secret.encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))


def _cipher() -> MultiFernet:
    configured = [key.strip() for key in settings.PAUTA_CREDENTIALS_KEY.split(",") if key.strip()]
    secrets = configured or [f"pauta-dev-credentials:{settings.SECRET_KEY}"]
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def credentials_encrypt(*, values: dict) -> str:
    return _cipher().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def credentials_decrypt(*, token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_cipher().decrypt(token.encode()))
    except InvalidToken as exc:
        raise InvalidInputError(
            _("The stored credentials cannot be read with the current key; connect the channel again.")
        ) from exc


def channel_credentials(*, channel: Channel) -> dict:
    return credentials_decrypt(token=channel.credentials_encrypted)


def credentials_fingerprint(*, channel: Channel) -> str:
    """Changes whenever the credentials change, without revealing them: keys short-lived caches."""
    return hashlib.sha256(channel.credentials_encrypted.encode()).hexdigest()[:16]
