"""The API's description is valid OpenAPI 3, generated without a warning (an unnamed enum, an untyped field)."""

from django.core.management import call_command


def test_the_schema_is_valid_and_generated_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    assert "/api/v1/items/{id}/move/:" in text
    assert "councilToken:" in text
