"""Queries compiled once per shape: the reader pages' hot reads, run with each request's values.

Building a queryset and compiling it to SQL cost a listing page more than running it (at 100,000 versions: ~1.2 ms of
Python for a page of cards, ~0.4 ms for PostgreSQL to answer). The SQL of one query shape (the same filters, the same
number of values in each list, the same slice) is the same on every request; only its parameters change. `fetch` builds
the queryset once per shape with placeholder values, compiles it with Django's own compiler, records where each value
sits among the parameters, and from then on runs the recorded SQL with the request's values, turning rows into model
instances with Django's own ModelIterable (select_related included).

A shape whose placeholders cannot all be found among the parameters (a value that changed the SQL text itself, or was
transformed on the way) is never recorded: it runs as a plain queryset every time, so the result is always what the
queryset would give.
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.compiler import SQLCompiler

from review.memo import BoundedMemo

Value = str | int | datetime
Argument = Value | list[Value] | tuple[Value, ...]

_SENTINEL_INT = 1_999_900_000  # inside a 32-bit column's range: Django refuses to compare with values beyond it


def _placeholder(value: Value, n: int) -> Value:
    """A value of `value`'s type that no real query uses, the n-th of its kind."""
    if isinstance(value, bool):
        raise TypeError("a prepared query takes no booleans: make them part of the key")
    if isinstance(value, str):
        return f"\x00placeholder {n}\x00"
    if isinstance(value, int):
        return _SENTINEL_INT + n
    if isinstance(value, datetime):
        return datetime(1901, 2, 3, 4, 5, 6, n + 1, tzinfo=UTC)
    raise TypeError(f"a prepared query takes str, int and datetime values, not {type(value).__name__}")


def _shape(values: Mapping[str, Argument]) -> tuple[Hashable, ...]:
    """What of the values decides the SQL text: their names, the type of each value and the length of each list."""
    return tuple(
        (name, (type(value[0]).__name__, len(value)) if isinstance(value, list | tuple) else type(value).__name__)
        for name, value in sorted(values.items())
    )


@dataclass(frozen=True)
class Plan:
    """One shape's SQL and what the compiler knew when it made it (read only: shared by every thread)."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, int | None, bool], ...]  # (parameter position, value's name, index in a list or None, datetime)
    select: Any
    klass_info: Any
    annotation_col_map: Any
    col_count: int
    has_extra_select: bool
    model: type[Model]

    def parameters(self, values: Mapping[str, Argument], connection: Any) -> list[Any]:
        params = list(self.params)
        for position, name, index, is_datetime in self.slots:
            value: Any = values[name] if index is None else values[name][index]  # type: ignore[index]
            params[position] = connection.ops.adapt_datetimefield_value(value) if is_datetime else value
        return params


class _Planned:
    """What ModelIterable asks of a queryset (its database, its query's compiler), answered with a recorded plan."""

    _known_related_objects: dict[Any, Any] = {}

    def __init__(self, plan: Plan, params: list[Any], using: str):
        self.plan, self.params, self.db = plan, params, using
        self.query = self

    def get_compiler(self, using: str | None = None, **kwargs: Any) -> SQLCompiler:
        from django.db.models.sql import Query

        connection, plan = connections[self.db], self.plan
        compiler: Any = _compiler_class(connection.ops.compiler("SQLCompiler"))(Query(plan.model), connection, self.db)
        compiler.planned = (plan.sql, self.params)
        compiler.select, compiler.klass_info, compiler.annotation_col_map = plan.select, plan.klass_info, plan.annotation_col_map
        compiler.col_count, compiler.has_extra_select = plan.col_count, plan.has_extra_select
        return compiler


_compilers: dict[type, type] = {}


def _compiler_class(base: type[SQLCompiler]) -> type[SQLCompiler]:
    """The backend's compiler, answering with the recorded SQL instead of compiling the query again."""
    found = _compilers.get(base)
    if found is None:

        class PlannedCompiler(base):  # type: ignore[valid-type,misc]
            def as_sql(self, with_limits: bool = True, with_col_aliases: bool = False) -> tuple[str, list[Any]]:
                return self.planned  # type: ignore[no-any-return]

        found = _compilers[base] = PlannedCompiler
    return found


_plans: BoundedMemo = BoundedMemo(2_000)
_UNPLANNABLE = object()


def fetch(name: Hashable, build: Callable[..., QuerySet[Any]], values: Mapping[str, Argument], using: str = "default") -> list[Any]:
    """The model instances of `build(**values)`, a queryset of models (select_related allowed; no values(), no prefetch),
    in its order. `name` identifies `build` together with whatever else shapes its SQL (slices, flags); `values` are
    str, int or datetime values, or lists of them, and change only the query's parameters. An empty list: no rows."""
    if any(isinstance(value, list | tuple) and not value for value in values.values()):
        return []  # `__in=[]`: Django too finds such a query empty without asking the database
    connection = connections[using]
    key = (using, connection.vendor, name, _shape(values))
    plan = _plans.get(key, lambda: _make_plan(build, values, using))
    if plan is _UNPLANNABLE:
        return list(build(**values).using(using))
    return list(ModelIterable(_Planned(plan, plan.parameters(values, connection), using)))  # type: ignore[arg-type]


def _make_plan(build: Callable[..., QuerySet[Any]], values: Mapping[str, Argument], using: str) -> Plan | object:
    connection = connections[using]
    counter = iter(range(10_000))
    wanted: dict[Any, tuple[str, int | None, bool]] = {}
    placeholders: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            items = [_placeholder(item, next(counter)) for item in value]
            for index, item in enumerate(items):
                wanted[_adapted(item, connection)] = (name, index, isinstance(item, datetime))
            placeholders[name] = items
        else:
            item = _placeholder(value, next(counter))
            wanted[_adapted(item, connection)] = (name, None, isinstance(item, datetime))
            placeholders[name] = item
    queryset: Any = build(**placeholders).using(using)
    if queryset._iterable_class is not ModelIterable or queryset._known_related_objects or queryset._prefetch_related_lookups:
        return _UNPLANNABLE
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _UNPLANNABLE
    slots, found = [], set()
    for position, param in enumerate(params):
        if isinstance(param, Hashable) and param in wanted:
            name, item_index, is_datetime = wanted[param]
            slots.append((position, name, item_index, is_datetime))
            found.add(param)
    if found != set(wanted) or any(isinstance(key, str) and key in sql for key in wanted):
        return _UNPLANNABLE  # a value changed the SQL itself, or went into it transformed: compile every time
    return Plan(
        sql=sql, params=tuple(params), slots=tuple(slots), select=compiler.select, klass_info=compiler.klass_info,
        annotation_col_map=compiler.annotation_col_map, col_count=compiler.col_count,
        has_extra_select=compiler.has_extra_select, model=queryset.model,
    )  # fmt: skip


def _adapted(value: Value, connection: Any) -> Any:
    """A placeholder as the compiler passes it to the database (SQLite gets datetimes as text)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
