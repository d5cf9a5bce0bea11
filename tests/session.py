"""What every test of one pytest session shares: the region it deploys to and its own emulator's
port, put in the environment of this process before any test imports code that builds clients."""

import os

from local_aws.clients import DEFAULT_REGION, emulator_environment, free_port

# The region the tests deploy to unless a test names another; the stack serves every region.
TEST_REGION = DEFAULT_REGION
# This session's own emulator: on a port of its own, so that two sessions never share one.
SESSION_PORT = free_port()

# The Lambda handlers create their Glue client at import time, as on Lambda: the
# environment must point at this session's emulator before any test imports them.
os.environ.update(emulator_environment(TEST_REGION, SESSION_PORT))
