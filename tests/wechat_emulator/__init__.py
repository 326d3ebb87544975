"""A WeChat Official Account platform emulator for end-to-end tests (see README.md here)."""

from .api import WxError
from .core import make_app_id, make_secret
from .crypto import (
    CryptoError,
    WeChatCipher,
    make_aes_key,
    make_nonce,
    msg_signature,
    sign,
    url_signature,
)
from .forged import FORGERIES
from .models import (
    SERVICE_UNAVAILABLE,
    ApiCall,
    Media,
    Push,
    PushAttempt,
    RawResponse,
    Received,
    Reply,
    VerifyResult,
    WxUser,
)
from .server import WeChatEmulator
from .xmlcodec import XmlError, build_xml, cdata, parse_fields, parse_xml

__all__ = [
    "FORGERIES",
    "SERVICE_UNAVAILABLE",
    "ApiCall",
    "CryptoError",
    "Media",
    "Push",
    "PushAttempt",
    "RawResponse",
    "Received",
    "Reply",
    "VerifyResult",
    "WeChatCipher",
    "WeChatEmulator",
    "WxError",
    "WxUser",
    "XmlError",
    "build_xml",
    "cdata",
    "make_aes_key",
    "make_app_id",
    "make_nonce",
    "make_secret",
    "msg_signature",
    "parse_fields",
    "parse_xml",
    "sign",
    "url_signature",
]
