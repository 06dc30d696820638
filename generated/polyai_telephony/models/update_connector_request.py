from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateConnectorRequest")


@_attrs_define
class UpdateConnectorRequest:
    """A partial update of one connector. A field left out is unchanged; null clears it.

    Attributes:
        variant_id (None | str | Unset): A new value for the field; null clears it to the empty string.
        asr_lang_code (None | str | Unset): A new value for the field; null clears it to the empty string.
        voice_name (None | str | Unset): A Google text-to-speech voice name, such as en-GB-Neural2-A. The service sets
            the connector's `ttsLangCode` from the name's language prefix (en-GB); a voice it cannot synthesise is rejected
            with CONNECTORS_VALIDATION_FAILED. Null clears the voice.
        project_id (str | Unset): Moves the connector, and the numbers routed to it, to this project. The key must have
            access to both projects.
    """

    variant_id: None | str | Unset = UNSET
    asr_lang_code: None | str | Unset = UNSET
    voice_name: None | str | Unset = UNSET
    project_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        variant_id: None | str | Unset
        if isinstance(self.variant_id, Unset):
            variant_id = UNSET
        else:
            variant_id = self.variant_id

        asr_lang_code: None | str | Unset
        if isinstance(self.asr_lang_code, Unset):
            asr_lang_code = UNSET
        else:
            asr_lang_code = self.asr_lang_code

        voice_name: None | str | Unset
        if isinstance(self.voice_name, Unset):
            voice_name = UNSET
        else:
            voice_name = self.voice_name

        project_id = self.project_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if variant_id is not UNSET:
            field_dict["variantId"] = variant_id
        if asr_lang_code is not UNSET:
            field_dict["asrLangCode"] = asr_lang_code
        if voice_name is not UNSET:
            field_dict["voiceName"] = voice_name
        if project_id is not UNSET:
            field_dict["projectId"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_variant_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        variant_id = _parse_variant_id(d.pop("variantId", UNSET))

        def _parse_asr_lang_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        asr_lang_code = _parse_asr_lang_code(d.pop("asrLangCode", UNSET))

        def _parse_voice_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        voice_name = _parse_voice_name(d.pop("voiceName", UNSET))

        project_id = d.pop("projectId", UNSET)

        update_connector_request = cls(
            variant_id=variant_id,
            asr_lang_code=asr_lang_code,
            voice_name=voice_name,
            project_id=project_id,
        )

        return update_connector_request
