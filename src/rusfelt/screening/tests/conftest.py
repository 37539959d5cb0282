# The directory's own factory, so help lists are built the way tjenester builds them.
from rusfelt.tjenester.tests.conftest import make_tjeneste  # noqa: F401
