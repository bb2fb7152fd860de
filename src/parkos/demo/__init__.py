"""The demo zone: synthetic enterprises, projects, plans, chains, leads, requests and policies, built through the
apps' own services. Not a runtime app: it offers only the `parkos demo` command and the builders tests reuse.
(Names are loaded on first use so that Django can import this package before the models are ready.)"""

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoResult", "demo_build", "make_uscc"]


def __getattr__(name: str):
    if name in __all__:
        from . import zone

        return getattr(zone, name)
    raise AttributeError(name)
