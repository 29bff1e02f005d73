# The access matrix's world (a council's program with its people, items, links and requests, and staff of every
# kind), reused by the audit tests that post to every staff URL.
from tests.test_access_matrix import world  # noqa: F401
