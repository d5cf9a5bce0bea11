"""Glue's model as the aws provider reads it, where moto 5.2 falls short
(tests/local_aws/glue/test_glue_api_fills.py shows the fill at work): glue:GetConnection omits
ConnectionType, so every plan shows a change.
"""

from typing import Any

from moto.glue.models import FakeConnection

_connection_as_dict = FakeConnection.as_dict


def _connection_as_dict_with_type(self: FakeConnection, hide_password: bool = False) -> dict[str, Any]:
    described = _connection_as_dict(self, hide_password)
    described["ConnectionType"] = self.connection_input.get("ConnectionType")
    if "PhysicalConnectionRequirements" in self.connection_input:
        described["PhysicalConnectionRequirements"] = self.connection_input["PhysicalConnectionRequirements"]
    return described


FILLS: list[tuple[type, str, Any]] = [(FakeConnection, "as_dict", _connection_as_dict_with_type)]
