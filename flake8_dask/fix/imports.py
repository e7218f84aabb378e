"""The imports a pass of fixes needs, added to the module's leading imports the way libcst's
``AddImportsVisitor`` adds them (libcst is imported on first use only)."""

from __future__ import annotations

from .errors import TOO_DEEP, FixError, describe, from_recursion


def add_imports(module, imports):
    """Add the imports the fixes need, where and as libcst's ``AddImportsVisitor`` puts them
    (tests compare the two on generated modules), without its cost: it walks the whole tree
    and builds two matcher-decorated visitors for every call (0.1 s, plus 2.5 ms a line),
    though it reads and changes only the module's leading imports and the blank lines before
    the statement after them."""
    import libcst as cst
    from libcst.helpers import get_absolute_module_from_package_for_import

    try:
        body = list(module.body)
        start = 1 if _docstring_or_strict_first(body) else 0
        end = start
        while end < len(body) and _is_import_line(body[end]):
            end += 1
        # What is wanted, as AddImportsVisitor groups it.
        modules = {m for m, name, alias in imports if name is None and alias is None}
        names = {m: {name for mm, name, alias in imports if mm == m and name is not None
                     and alias is None}
                 for m in sorted({m for m, name, alias in imports
                                  if name is not None and alias is None})}
        module_aliases = {m: alias for m, name, alias in imports
                          if name is None and alias is not None}
        name_aliases = {m: [(name, alias) for mm, name, alias in imports
                            if mm == m and name is not None and alias is not None]
                        for m in sorted({m for m, name, alias in imports
                                         if name is not None and alias is not None})}
        # Minus what the leading imports already give.
        top = [line.body[0] for line in body[start:end]]
        have_modules, have_module_aliases = set(), {}
        have_names: dict[str, set[str]] = {}
        have_name_aliases: dict[str, list[tuple[str, str]]] = {}
        for imp in top:
            if isinstance(imp, cst.Import):
                for item in imp.names:
                    if item.evaluated_alias is None:
                        have_modules.add(item.evaluated_name)
                    else:
                        have_module_aliases[item.evaluated_name] = item.evaluated_alias
                continue
            source = get_absolute_module_from_package_for_import(None, imp)
            if source is None:
                continue
            if isinstance(imp.names, cst.ImportStar):
                have_names[source] = {"*"}
                continue
            have_name_aliases.setdefault(source, []).extend(
                (item.evaluated_name, item.evaluated_alias) for item in imp.names
                if item.asname is not None)
            plain = {item.evaluated_name for item in imp.names if item.asname is None}
            if plain and "*" not in have_names.setdefault(source, set()):
                have_names[source] |= plain
        modules -= have_modules
        for m, alias in have_module_aliases.items():
            if module_aliases.get(m) == alias:
                del module_aliases[m]
        for m, pairs in have_name_aliases.items():
            for pair in pairs:
                if pair in name_aliases.get(m, ()):
                    name_aliases[m].remove(pair)
                    if not name_aliases[m]:
                        del name_aliases[m]
        for m, objs in have_names.items():
            if m in names:
                names[m] = set() if "*" in objs else names[m] - objs
                if not names[m]:
                    del names[m]
        # Names go into the first leading ``from`` import of their module.
        for k, imp in enumerate(top, start):
            if not isinstance(imp, cst.ImportFrom) or isinstance(imp.names, cst.ImportStar):
                continue
            source = get_absolute_module_from_package_for_import(None, imp)
            if source is None or source not in names and source not in name_aliases:
                continue
            added = [cst.ImportAlias(name=cst.Name(n)) for n in sorted(names.pop(source, ()))]
            added += [cst.ImportAlias(name=cst.Name(n), asname=cst.AsName(name=cst.Name(a)))
                      for n, a in sorted(name_aliases.pop(source, ()))]
            body[k] = body[k].with_changes(body=[imp.with_changes(
                names=[*added, *imp.names])])
        if not (modules or names or module_aliases or name_aliases):
            return module.with_changes(body=body)
        # The others are new lines after the leading imports (``__future__`` ones first).
        after = body[end:]
        if after:
            leading = after[0].leading_lines
            if not leading:
                after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(),))
            elif leading[0].comment is not None:
                after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), *leading))
        grouped: dict[str, list] = {}
        for m, pairs in name_aliases.items():
            grouped.setdefault(m, []).extend(pairs)
        for m, objs in names.items():
            grouped.setdefault(m, []).extend((obj, None) for obj in objs)
        grouped = {m: sorted(pairs) for m, pairs in grouped.items()}

        def statement(text):
            return cst.parse_statement(text, config=module.config_for_parsing)

        def from_import(m, pairs):
            return statement(f"from {m} import " + ", ".join(
                obj if alias is None else f"{obj} as {alias}" for obj, alias in pairs))

        return module.with_changes(body=(
            *body[:start],
            *[from_import(m, pairs) for m, pairs in grouped.items() if m == "__future__"],
            *body[start:end],
            *[statement(f"import {m}") for m in sorted(modules)],
            *[statement(f"import {m} as {alias}") for m, alias in module_aliases.items()],
            *[from_import(m, pairs) for m, pairs in grouped.items() if m != "__future__"],
            *after))
    except Exception as exc:
        if from_recursion(exc):
            raise FixError(TOO_DEEP) from None
        raise FixError(f"adding the imports {imports} failed ({describe(exc)})") from None


def _is_import_line(statement) -> bool:
    import libcst as cst

    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], (cst.Import, cst.ImportFrom)))


def _docstring_or_strict_first(body: list) -> bool:
    """Whether the module starts with a docstring or a ``__strict__`` flag (imports are
    never put before it)."""
    import libcst as cst

    if not body or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
        return False
    first = body[0].body[0]
    if isinstance(first, cst.Expr):
        return isinstance(first.value, cst.SimpleString)
    return (isinstance(first, cst.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0].target, cst.Name)
            and first.targets[0].target.value == "__strict__")
