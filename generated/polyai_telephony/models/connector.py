from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Connector")


@_attrs_define
class Connector:
    """A voice, language, variant and environment bundle that handles incoming calls.

    Attributes:
        connector_id (str):
        name (str):
        account_id (str):
        project_id (str):
        client_env (str): The connector's environment; a plain string for the same reason as on PhoneNumber.
        variant_id (str): The agent variant used; the empty string when none is assigned.
        asr_lang_code (str): Speech-recognition language, such as en-GB.
        tts_lang_code (str): Speech-synthesis language, such as en-GB; the service derives it from `voiceName`.
        voice_name (str): The text-to-speech voice, a Google voice name such as en-GB-Neural2-A.
        disable_handoff (bool): True when calls may not be handed off to a human.
    """

    connector_id: str
    name: str
    account_id: str
    project_id: str
    client_env: str
    variant_id: str
    asr_lang_code: str
    tts_lang_code: str
    voice_name: str
    disable_handoff: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connector_id = self.connector_id

        name = self.name

        account_id = self.account_id

        project_id = self.project_id

        client_env = self.client_env

        variant_id = self.variant_id

        asr_lang_code = self.asr_lang_code

        tts_lang_code = self.tts_lang_code

        voice_name = self.voice_name

        disable_handoff = self.disable_handoff

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connectorId": connector_id,
                "name": name,
                "accountId": account_id,
                "projectId": project_id,
                "clientEnv": client_env,
                "variantId": variant_id,
                "asrLangCode": asr_lang_code,
                "ttsLangCode": tts_lang_code,
                "voiceName": voice_name,
                "disableHandoff": disable_handoff,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connector_id = d.pop("connectorId")

        name = d.pop("name")

        account_id = d.pop("accountId")

        project_id = d.pop("projectId")

        client_env = d.pop("clientEnv")

        variant_id = d.pop("variantId")

        asr_lang_code = d.pop("asrLangCode")

        tts_lang_code = d.pop("ttsLangCode")

        voice_name = d.pop("voiceName")

        disable_handoff = d.pop("disableHandoff")

        connector = cls(
            connector_id=connector_id,
            name=name,
            account_id=account_id,
            project_id=project_id,
            client_env=client_env,
            variant_id=variant_id,
            asr_lang_code=asr_lang_code,
            tts_lang_code=tts_lang_code,
            voice_name=voice_name,
            disable_handoff=disable_handoff,
        )

        connector.additional_properties = d
        return connector

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
