"""The semantic model: bindings, value kinds and task functions of one module.

What rules may use is exported here; the submodules are the model's own business.
"""

from ..syntax import dotted
from .arrays import OWN_LAYOUT_CALL_NAMES, ArrayLayout, Dim, align
from .kinds import COLLECTIONS, FRAMES, PARTITIONED, K, Value
from .literals import literal_int, single_assignment
from .scopes import (COMPREHENSION_NODES, FUNCTION_NODES, LOOP_NODES, Binding, Scope,
                     is_main_guard_test)
from .semantic import SemanticModel
from .tasks import TaskSite

__all__ = ["COLLECTIONS", "COMPREHENSION_NODES", "FRAMES", "FUNCTION_NODES", "LOOP_NODES",
           "OWN_LAYOUT_CALL_NAMES", "PARTITIONED", "ArrayLayout", "Binding", "Dim", "K", "Scope",
           "SemanticModel", "TaskSite", "Value", "align", "dotted", "is_main_guard_test",
           "literal_int", "single_assignment"]
