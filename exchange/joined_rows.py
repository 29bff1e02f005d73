"""One object by primary key with a chain of related objects, as ``select_related`` gives it, from SQL built once.

Every staff page reads the signed-in user with their membership and council, and every visitor page the link
holder with their program and council, before anything else: when the page itself comes from the cache, that read
is the whole request. Compiling the ORM query for it costs several times more than running it, so the statement is
built once per process from the models' metadata, and the rows go through the same field converters and
``Model.from_db`` the ORM uses.
"""

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connections, router


@dataclass(frozen=True)
class _Step:
    model: type
    relation: object  # the field (forward) or relation (reverse one-to-one) leading here from the previous step
    forward: bool
    fields: tuple


@cache
def _plan(model, path, alias):
    connection = connections[alias]
    quote = connection.ops.quote_name
    steps = [_Step(model, None, True, tuple(model._meta.concrete_fields))]
    tables = [f"{quote(model._meta.db_table)} t0"]
    current = model
    for index, name in enumerate(path, start=1):
        relation = current._meta.get_field(name)
        forward = relation.concrete
        related = relation.related_model
        if forward:
            condition = f"t{index}.{quote(related._meta.pk.column)} = t{index - 1}.{quote(relation.column)}"
        else:  # a reverse one-to-one: the related table holds the key
            condition = f"t{index}.{quote(relation.field.column)} = t{index - 1}.{quote(current._meta.pk.column)}"
        tables.append(f"LEFT JOIN {quote(related._meta.db_table)} t{index} ON {condition}")
        steps.append(_Step(related, relation, forward, tuple(related._meta.concrete_fields)))
        current = related
    columns = ", ".join(f"t{i}.{quote(field.column)}" for i, step in enumerate(steps) for field in step.fields)
    sql = f"SELECT {columns} FROM {' '.join(tables)} WHERE t0.{quote(model._meta.pk.column)} = %s"
    converters = []
    for step in steps:
        step_converters = []
        for field in step.fields:
            column = field.get_col(step.model._meta.db_table)
            functions = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
            step_converters.append((functions, column))
        converters.append(step_converters)
    return sql, steps, converters


def _convert(values, converters, connection):
    converted = []
    for value, (functions, column) in zip(values, converters, strict=True):
        for convert in functions:
            value = convert(value, column, connection)
        converted.append(value)
    return converted


def get_with_related(model, pk, *path):
    """``model.objects.select_related("__".join(path)).filter(pk=pk).first()``; each name of ``path`` is a foreign
    key (or one-to-one) of the previous model, or a reverse one-to-one (a missing one reads as absent, no query)."""
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    alias = router.db_for_read(model)
    connection = connections[alias]
    sql, steps, converters = _plan(model, tuple(path), alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for step, step_converters in zip(steps, converters, strict=True):
        values = row[start : start + len(step.fields)]
        start += len(step.fields)
        if values[[f.primary_key for f in step.fields].index(True)] is None:
            objects.append(None)
            continue
        values = _convert(values, step_converters, connection)
        objects.append(step.model.from_db(alias, [f.attname for f in step.fields], values))
    # Cached both ways, as select_related leaves them; an absent reverse one-to-one reads as missing, no query.
    for previous, current, step in zip(objects, objects[1:], steps[1:], strict=False):
        if previous is None:
            break
        step.relation.set_cached_value(previous, current)
        if current is None:
            continue
        if not step.forward:
            step.relation.field.set_cached_value(current, previous)
        elif step.relation.one_to_one:
            step.relation.remote_field.set_cached_value(current, previous)
    return objects[0]
