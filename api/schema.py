"""How the OpenAPI schema describes the token (``/api/schema/``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "councilToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A council's API token, created by a council admin at /api/tokens/ (shown once).",
        }


REFUSAL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID_INPUT = {
    "type": "object",
    "description": "What was wrong, by field name (or `detail`, `non_field_errors`): a list of messages each.",
    "additionalProperties": {},
}
WRITES = ("post", "put", "patch", "delete")


def document_refusals(result, generator, request, public):
    """Name in the schema the refusals every operation of the API can answer (drf-spectacular lists only the
    successes): 401 without a live token, 403 for a write with a read-only token, 404 for an id the council does not
    have (or a page past the end), 400 for bad input, 429 past the rate limit."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Refusal"] = REFUSAL
    schemas["InvalidInput"] = INVALID_INPUT
    refusal = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    invalid = {"application/json": {"schema": {"$ref": "#/components/schemas/InvalidInput"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            found = {
                "401": "No token, or not a live one.",
                "404": "Not one of the council's, or no such page.",
                "429": "Too many requests with this token: try again after Retry-After seconds.",
            }
            if method in WRITES:
                found["403"] = "This token may only read."
            if method in WRITES or operation.get("parameters"):
                found["400"] = "Bad input."
            for code, description in found.items():
                content = invalid if code == "400" else refusal
                responses.setdefault(code, {"description": description, "content": content})
    return result
