"""Secret resolution (env, file, demo), redaction, and Cisco type-9 hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_flexvpn.errors import SecretError
from nornir_flexvpn.intent.models import Aaa, FlexVpnIntent, LocalUser, SecretRef, Trustpoint
from nornir_flexvpn.intent.secrets import (
    DEMO_SECRET,
    REDACTED,
    resolve_secrets,
    secret9,
    verify_secret9,
)

# Public vectors: netutils' doctests (the second with a device-made salt outside
# the Cisco64 alphabet) and hashcat's example hash for mode 9300.
TYPE9_VECTORS = [
    ("123456", "$9$cvWdfQlRRDKq/U$VFTPha5VHTCbSgSUAo.nPoh50ZiXOw1zmljEjXkaq1g"),
    ("cisco", "$9$588|P!iWqEx=Wf$nadLmT9snc6V9QAeUuATSOoCAZMQIHqixJfZpQj5EU2"),
    ("hashcat", "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"),
]


def intent_with(user: SecretRef, passphrase: SecretRef, *, hash_: str = "none") -> FlexVpnIntent:
    return FlexVpnIntent(
        aaa=Aaa(users=[LocalUser(name="alice", password=user, hash=hash_)]),
        trustpoint=Trustpoint(passphrase=passphrase),
    )


def test_type9_known_vector_is_reproduced() -> None:
    password, hashed = TYPE9_VECTORS[0]
    assert secret9(password, salt="cvWdfQlRRDKq/U") == hashed


@pytest.mark.parametrize(("password", "hashed"), TYPE9_VECTORS)
def test_type9_vectors_verify(password: str, hashed: str) -> None:
    assert verify_secret9(password, hashed)
    assert not verify_secret9(password + "x", hashed)


def test_type9_new_hash_shape_and_roundtrip() -> None:
    hashed = secret9("s3cret")
    assert hashed.startswith("$9$")
    salt, key = hashed[3:].split("$")
    alphabet = set("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    assert len(salt) == 14 and set(salt) <= alphabet
    assert len(key) == 43 and set(key) <= alphabet
    assert verify_secret9("s3cret", hashed)
    assert not verify_secret9("s3cret", "$8$" + hashed[3:])
    assert not verify_secret9("s3cret", "$9$short$" + key)


def test_env_beats_file_beats_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tp.txt").write_text("from-file\n", encoding="utf-8")
    ref = SecretRef(env="TP_PASS", file="tp.txt", demo=True)
    intent = intent_with(SecretRef(env="U_PASS", demo=True), ref)

    monkeypatch.setenv("TP_PASS", "from-env")
    monkeypatch.setenv("U_PASS", "user-env")
    resolved = resolve_secrets(intent, base_dir=tmp_path)
    assert resolved.trustpoint_passphrase() == "from-env"
    assert resolved.user_password("alice") == "user-env"

    monkeypatch.delenv("TP_PASS")
    monkeypatch.delenv("U_PASS")
    resolved = resolve_secrets(intent, base_dir=tmp_path)
    # One trailing newline is stripped, nothing else.
    assert resolved.trustpoint_passphrase() == "from-file"
    assert resolved.user_password("alice") == DEMO_SECRET
    assert resolved.sources() == {"aaa.users[0].password": "demo", "trustpoint.passphrase": "file"}


def test_file_keeps_inner_whitespace(tmp_path: Path) -> None:
    (tmp_path / "p").write_text(" two words \n\n", encoding="utf-8")
    intent = intent_with(SecretRef(file="p"), SecretRef(file=str(tmp_path / "p")))
    resolved = resolve_secrets(intent, base_dir=tmp_path)
    assert resolved.user_password("alice") == " two words \n"
    assert resolved.trustpoint_passphrase() == " two words \n"


def test_missing_secret_names_field_and_reference(tmp_path: Path) -> None:
    intent = intent_with(
        SecretRef(env="NOT_SET_ANYWHERE_42", file="missing.txt"), SecretRef(demo=True)
    )
    with pytest.raises(SecretError) as caught:
        resolve_secrets(intent, base_dir=tmp_path, environ={})
    assert caught.value.path == "aaa.users[0].password"
    assert caught.value.message == (
        "secret env:NOT_SET_ANYWHERE_42 / file:missing.txt is not set (no environment variable, "
        "no file, and demo fallback not allowed)"
    )


def test_errors_and_reprs_never_contain_values(tmp_path: Path) -> None:
    secret = "Tr0ub4dor&3-unique"
    env = {"U_PASS": secret, "TP_PASS": secret + "-tp"}
    intent = intent_with(SecretRef(env="U_PASS"), SecretRef(env="TP_PASS"), hash_="scrypt")
    resolved = resolve_secrets(intent, base_dir=tmp_path, environ=env)
    hashed = resolved.user_secret9("alice")
    for text in (repr(resolved), str(resolved)):
        assert secret not in text and hashed not in text
    assert "aaa.users[0].password<env>" in repr(resolved)
    with pytest.raises(SecretError) as caught:
        resolved.user_password("bob")
    assert secret not in str(caught.value)
    # Missing trustpoint secret while the user's is set: the message names only refs.
    with pytest.raises(SecretError) as missing:
        resolve_secrets(intent, base_dir=tmp_path, environ={"U_PASS": secret})
    assert secret not in str(missing.value) and "env:TP_PASS" in str(missing.value)


def test_redact_replaces_secrets_and_hashes(tmp_path: Path) -> None:
    env = {"U_PASS": "pw-user", "TP_PASS": "pw-user-and-more"}
    intent = intent_with(SecretRef(env="U_PASS"), SecretRef(env="TP_PASS"), hash_="scrypt")
    resolved = resolve_secrets(intent, base_dir=tmp_path, environ=env, salt_source=lambda: "A" * 14)
    hashed = resolved.user_secret9("alice")
    text = f"username alice secret 9 {hashed}\npassword pw-user-and-more\npassword pw-user\n"
    assert resolved.redact(text) == (
        f"username alice secret 9 {REDACTED}\npassword {REDACTED}\npassword {REDACTED}\n"
    )


def test_secret9_is_stable_per_resolution_and_seedable(tmp_path: Path) -> None:
    intent = intent_with(SecretRef(demo=True), SecretRef(demo=True), hash_="scrypt")
    fixed = resolve_secrets(intent, base_dir=tmp_path, salt_source=lambda: "cvWdfQlRRDKq/U")
    first = fixed.user_secret9("alice")
    assert first == fixed.user_secret9("alice") == secret9(DEMO_SECRET, "cvWdfQlRRDKq/U")
    assert verify_secret9(DEMO_SECRET, first)


def test_no_trustpoint(tmp_path: Path) -> None:
    intent = FlexVpnIntent(trustpoint=None)
    resolved = resolve_secrets(intent, base_dir=tmp_path)
    with pytest.raises(SecretError, match="no trustpoint"):
        resolved.trustpoint_passphrase()


@pytest.mark.parametrize("text", ["cisco123", "env:", "vault:x", "env: X"])
def test_shorthand_rejects_other_strings(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        SecretRef.model_validate(text)
    assert text not in str(caught.value).replace("'env:NAME'", "").replace("'file:PATH'", "")
