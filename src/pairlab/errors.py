"""The one place pairlab's errors are defined; faces turn them into exit codes or HTTP statuses."""


class PairlabError(Exception):
    """A problem the user can fix: says what is wrong and how to fix it."""

    status = 400

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem}; {self.fix}" if self.fix else self.problem


class BadInput(PairlabError):
    """The input (a path, an option, a request body) is not usable as given."""


class NotFound(PairlabError):
    """The thing asked for does not exist."""

    status = 404


class Forbidden(PairlabError):
    """The request reaches outside what the user may touch (e.g. outside the server root)."""

    status = 403
