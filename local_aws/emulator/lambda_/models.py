"""Lambda's function model as the aws provider reads it, where moto 5.2 falls short
(tests/local_aws/lambda_/test_lambda_logging_config.py shows the fill at work): a function's
LoggingConfig (JSON logs, log group) is dropped, so every plan shows a change.
"""

from typing import Any
from weakref import WeakKeyDictionary

from moto.awslambda.models import LambdaFunction

_lambda_init = LambdaFunction.__init__
_lambda_configuration = LambdaFunction.get_configuration
_lambda_update_configuration = LambdaFunction.update_configuration
_logging_configs: "WeakKeyDictionary[LambdaFunction, dict[str, str]]" = WeakKeyDictionary()


def _lambda_init_keeping_logging_config(self: LambdaFunction, *args: Any, **kwargs: Any) -> None:
    _lambda_init(self, *args, **kwargs)
    spec = kwargs.get("spec", args[1] if len(args) > 1 else {})
    _logging_configs[self] = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}", **spec.get("LoggingConfig", {})}


def _lambda_configuration_with_logging(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
    return {**_lambda_configuration(self, on_create), "LoggingConfig": _logging_configs.get(self, {})}


def _lambda_update_configuration_with_logging(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
    _logging_configs[self] = {**_logging_configs.get(self, {}), **config_updates.get("LoggingConfig", {})}
    return _lambda_update_configuration(self, config_updates)


FILLS: list[tuple[type, str, Any]] = [
    (LambdaFunction, "__init__", _lambda_init_keeping_logging_config),
    (LambdaFunction, "get_configuration", _lambda_configuration_with_logging),
    (LambdaFunction, "update_configuration", _lambda_update_configuration_with_logging),
]
