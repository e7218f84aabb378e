"""The semantic model: bindings, value kinds and task functions of one module."""

from .kinds import COLLECTIONS, FRAMES, PARTITIONED, K, Value
from .scopes import Binding, Scope
from .semantic import ModelOptions, SemanticModel, TaskSite
from .tasks import dotted

__all__ = ["COLLECTIONS", "FRAMES", "PARTITIONED", "K", "Value", "Binding", "Scope",
           "ModelOptions", "SemanticModel", "TaskSite", "dotted"]
