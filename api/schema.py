"""OpenAPI schema generation: every operation documents the error responses the exception
handler (``api.exceptions``) can produce, so clients and the fuzzer know their shape."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable error code.")
    detail = serializers.CharField(help_text="Human-readable message, in the caller's language.")


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable error code."},
        "detail": {"type": "string", "description": "Human-readable message."},
    },
    "required": ["code", "detail"],
}
VALIDATION_ERROR_SCHEMA = {
    **ERROR_SCHEMA,
    "description": (
        "`code` is `invalid_input` (or `parse_error` for a malformed body); every other key is "
        "a field name with its list of messages, as DRF reports field errors."
    ),
    "additionalProperties": True,
}

ERROR_RESPONSES = {
    "400": OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="Input missing or invalid."),
    "401": OpenApiResponse(ErrorSerializer, description="Not signed in (send `Authorization: Token …`)."),
    "403": OpenApiResponse(ErrorSerializer, description="Signed in, but not allowed to do this."),
    "404": OpenApiResponse(ErrorSerializer, description="Does not exist, or you may not see it."),
    "429": OpenApiResponse(ErrorSerializer, description="Too many requests or sign-in attempts."),
}


class WillkommensnetzAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code, response in ERROR_RESPONSES.items():
            if status_code not in responses:
                responses[status_code] = self._get_response_for_code(
                    response, status_code, direction=direction
                )
        return responses
