"""The installed `awsglue` package (PyPI `awsgluedataplanepython`), which this stand-in shadows on
the job's PYTHONPATH: its modules are loaded by file path under private names, so that the parts
that run without Glue's JVM (argument parsing, the job option lists) are Glue's own code."""

import importlib.util
import sys
from importlib.metadata import distribution
from types import ModuleType

DISTRIBUTION = "awsgluedataplanepython"


def installed_module(name: str) -> ModuleType:
    """The installed `awsglue.<name>` module."""
    private_name = f"_installed_awsglue_{name}"
    if private_name not in sys.modules:
        path = distribution(DISTRIBUTION).locate_file(f"awsglue/{name}.py")
        spec = importlib.util.spec_from_file_location(private_name, str(path))
        if spec is None or spec.loader is None:
            raise ImportError(f"awsglue/{name}.py of {DISTRIBUTION} is not installed at {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[private_name] = module
        spec.loader.exec_module(module)
    return sys.modules[private_name]
