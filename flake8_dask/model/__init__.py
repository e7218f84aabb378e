"""The semantic model: bindings, value kinds and task functions of one module."""

from .kinds import COLLECTIONS, FRAMES, PARTITIONED, K, Value
from .literals import literal_int, single_assignment
from .scopes import Binding, Scope
from .semantic import ModelOptions, SemanticModel, TaskSite
from .tasks import dotted

__all__ = ["COLLECTIONS", "FRAMES", "PARTITIONED", "K", "Value", "Binding", "Scope",
           "ModelOptions", "SemanticModel", "TaskSite", "dotted", "literal_int", "single_assignment"]
