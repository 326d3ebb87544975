"""The emulator's crypto and XML against known vectors, and wechatpy when it is installed.

The vectors come from wechatpy's own test suite (tests/test_utils.py and tests/test_crypto.py,
token ``123456`` and corp id ``wx49f0ab532d5d035a``): WeChat Work uses the same message
encryption as the Official Account platform (the same PKCS#7-32 AES-CBC layout and sorted-sha1
signatures), so they check the algorithm byte for byte.
"""

from __future__ import annotations

import base64

import pytest

from tests.wechat_emulator import (
    CryptoError,
    WeChatCipher,
    XmlError,
    build_xml,
    cdata,
    make_aes_key,
    msg_signature,
    parse_fields,
    parse_xml,
    url_signature,
)
from tests.wechat_emulator.forged import BILLION_LAUGHS, XXE

VECTOR_TOKEN = "123456"
VECTOR_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
VECTOR_APPID = "wx49f0ab532d5d035a"
VECTOR_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
VECTOR_ENCRYPTED = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBq"
    "GsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nF"
    "hHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbg"
    "X05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3y"
    "pD3WeK2XeFYFMNMpatF9XiKzHo3"
)
VECTOR_INCOMING = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrs"
    "TyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4"
    "+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6t"
    "d7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT"
    "4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
VECTOR_ECHO = (
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
)


def test_url_signature_vector() -> None:
    assert url_signature("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"


def test_encrypt_vector_with_a_fixed_random_prefix() -> None:
    cipher = WeChatCipher(VECTOR_KEY, VECTOR_APPID)
    encrypted = cipher.encrypt(VECTOR_REPLY, random=b"1234567890123456")
    assert encrypted == VECTOR_ENCRYPTED
    signature = msg_signature(VECTOR_TOKEN, "1411525903", "461056294", encrypted)
    assert signature == "407518b7649e86ef23978113f92d27afa9296533"


def test_decrypt_vectors() -> None:
    cipher = WeChatCipher(VECTOR_KEY, VECTOR_APPID)
    signature = msg_signature(VECTOR_TOKEN, "1411525903", "461056294", VECTOR_INCOMING)
    assert signature == "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
    message = parse_fields(cipher.decrypt(VECTOR_INCOMING).xml)
    assert (message["Content"], message["FromUserName"]) == ("test", "messense")

    assert (
        msg_signature(VECTOR_TOKEN, "1411443780", "437374425", VECTOR_ECHO)
        == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    )
    echo = cipher.decrypt(VECTOR_ECHO)
    assert echo.app_id == VECTOR_APPID and echo.xml.isdigit()


def test_round_trip_padding_and_refusals() -> None:
    key = make_aes_key()
    assert len(key) == 43 and len(base64.b64decode(key + "=")) == 32
    cipher = WeChatCipher(key, "wx1234567890abcdef")
    for size in (0, 11, 12, 43, 44, 1000):  # 20 + size + 18 around the 32-byte boundary
        xml = "<xml>" + "x" * size + "</xml>"
        raw = base64.b64decode(cipher.encrypt(xml))
        assert len(raw) % 32 == 0
        assert cipher.decrypt(cipher.encrypt(xml)).xml == xml.encode()

    with pytest.raises(CryptoError, match="AppID"):
        cipher.decrypt(cipher.encrypt("<xml/>", app_id="wxother"))
    with pytest.raises(CryptoError, match="padding"):
        cipher.decrypt(cipher.encrypt("<xml/>", pad=False))
    with pytest.raises(CryptoError):
        WeChatCipher(make_aes_key(), "wx1234567890abcdef").decrypt(cipher.encrypt("<xml/>"))
    with pytest.raises(CryptoError, match="base64"):
        cipher.decrypt("not base64!")
    with pytest.raises(ValueError, match="43 characters"):
        WeChatCipher("short", "wx1")


def test_interoperates_with_wechatpy() -> None:
    crypto_module = pytest.importorskip("wechatpy.crypto", reason="wechatpy is not installed")
    token, key, app_id = "emuToken", make_aes_key(), "wx1234567890abcdef"
    theirs = crypto_module.WeChatCrypto(token, key, app_id)
    ours = WeChatCipher(key, app_id)
    xml = build_xml({"ToUserName": "gh_1", "MsgType": "text", "Content": "你好"})

    encrypted = ours.encrypt(xml)
    signature = msg_signature(token, "1700000000", "42", encrypted)
    envelope = build_xml({"ToUserName": "gh_1", "Encrypt": encrypted})
    assert theirs.decrypt_message(envelope, signature, "1700000000", "42") == xml

    reply = theirs.encrypt_message(xml, "43", "1700000001")
    fields = parse_fields(reply)
    assert fields["MsgSignature"] == msg_signature(
        token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"]
    )
    assert ours.decrypt(fields["Encrypt"]).xml.decode() == xml


def test_cdata_keeps_a_terminator_inside_the_text() -> None:
    text = "a]]>b<c>&d"
    assert parse_fields(build_xml({"Content": text}))["Content"] == text
    assert cdata("x") == "<![CDATA[x]]>"
    assert parse_fields(build_xml({"Articles": [{"Title": "t"}], "N": 3})) == {
        "Articles": [{"Title": "t"}],
        "N": "3",
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (BILLION_LAUGHS.format(to="gh", sender="o", now=1, msg_id=1), "DTD"),
        (XXE.format(to="gh", sender="o", now=1, msg_id=1), "DTD"),
        ("<xml><A>1</A>", "malformed"),
        ("<xml>" + "<a>" * 20 + "</a>" * 20 + "</xml>", "deeper"),
        ("<xml>" + "x" * 2_000_000 + "</xml>", "exceeds"),
        ("<xml><unclosed></xml>", "malformed"),
        ("<notxml/>", "not <xml>"),
    ],
)
def test_the_parser_refuses_hostile_xml(body: str, error: str) -> None:
    with pytest.raises(XmlError, match=error):
        parse_fields(body)


def test_parse_xml_accepts_a_declaration() -> None:
    assert parse_xml('<?xml version="1.0" encoding="utf-8"?><xml><A>1</A></xml>').tag == "xml"
