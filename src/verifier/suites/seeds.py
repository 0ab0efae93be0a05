"""The built-in seed suite: five articles on desertion in the Russia–Ukraine war, labelled."""

from verifier.resources import bundled
from verifier.suites import SUITES, SuiteSource

SUITES.register(
    SuiteSource(
        name="seeds",
        path=bundled("evals", "suites", "seeds.yaml"),
        description="five seed articles, 73 gold claims, 5 cross-source groups",
    )
)
