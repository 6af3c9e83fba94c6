"""Sending e-mail through SMTP (STARTTLS when offered) at a bounded rate, with safe reasons."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Final, NoReturn, Protocol

from recomentor.errors import InvalidInputError
from recomentor.settings import Settings

IMPLICIT_TLS_PORT: Final = 465
_TIMEOUT_S: Final = 30.0
# After this many failed connections in a row the server is taken for down: the remaining
# messages fail at once with the same reason instead of each waiting for a time-out.
_CONNECT_TRIES: Final = 3


class DeliveryError(Exception):
    """A message that did not go out. `reason` is ours: an SMTP code and an error type at
    most, never the server's text (it may echo the address) or an exception's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _ServerDown(DeliveryError):
    """A failure of the connection itself (refused, time-out, login, TLS): not the message's."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        """RECOMENTOR_SMTP_*, refused with a message naming the variable when unusable."""
        if not settings.smtp_host:
            raise InvalidInputError(
                "RECOMENTOR_SMTP_HOST is not set: no mail server to send through "
                "(--dry-run --out FILE writes the links for a mail merge instead)"
            )
        if not 0 < settings.smtp_port < 65536:
            raise InvalidInputError("RECOMENTOR_SMTP_PORT must be a port number (1-65535)")
        if "@" not in settings.smtp_from:
            raise InvalidInputError(
                "RECOMENTOR_SMTP_FROM must be the sender's address, e.g. mentoring@example.com"
            )
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_user,
            settings.smtp_password,
            settings.smtp_from,
        )


def _code(error: smtplib.SMTPResponseException) -> str:
    return f"SMTP code {error.smtp_code}"


class SmtpMailer:
    """One connection reused for every message, opened on the first and again after a drop.

    STARTTLS whenever the server offers it; a login only when a user is set, and never over
    an unencrypted connection. Port 465 speaks TLS from the start.
    """

    def __init__(self, config: SmtpConfig, *, tls: ssl.SSLContext | None = None) -> None:
        self.config = config
        self._tls = tls or ssl.create_default_context()
        self._connection: smtplib.SMTP | None = None
        self._failed_connections = 0
        self._down: _ServerDown | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        connection: smtplib.SMTP
        if config.port == IMPLICIT_TLS_PORT:
            connection = smtplib.SMTP_SSL(
                config.host, config.port, timeout=_TIMEOUT_S, context=self._tls
            )
        else:
            connection = smtplib.SMTP(config.host, config.port, timeout=_TIMEOUT_S)
        try:
            encrypted = config.port == IMPLICIT_TLS_PORT
            if not encrypted:
                connection.ehlo()
                encrypted = connection.has_extn("starttls")
                if encrypted:
                    connection.starttls(context=self._tls)
                    connection.ehlo()
            if config.user:
                if not encrypted:
                    raise _ServerDown(
                        "the SMTP server offers no STARTTLS: the password is not sent in clear"
                    )
                connection.login(config.user, config.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def _open(self) -> smtplib.SMTP:
        if self._down is not None:
            raise self._down
        if self._connection is not None:
            return self._connection
        try:
            connection = self._connect()
        except _ServerDown as error:
            self._connection_failed(error)
        except smtplib.SMTPAuthenticationError as error:
            self._connection_failed(_ServerDown(f"the SMTP login was refused ({_code(error)})"))
        except smtplib.SMTPResponseException as error:
            self._connection_failed(
                _ServerDown(f"the SMTP server refused the connection ({_code(error)})")
            )
        except (OSError, smtplib.SMTPException) as error:
            self._connection_failed(
                _ServerDown(f"cannot connect to the SMTP server ({type(error).__name__})")
            )
        self._failed_connections = 0
        self._connection = connection
        return connection

    def _connection_failed(self, error: _ServerDown) -> NoReturn:
        self._failed_connections += 1
        if self._failed_connections >= _CONNECT_TRIES:
            self._down = error
        raise error

    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise DeliveryError with a reason safe to show and log."""
        for attempt in (1, 2):
            connection = self._open()
            try:
                connection.send_message(message)
                return
            except smtplib.SMTPServerDisconnected:
                # An idle connection the server closed: once more on a fresh one.
                self._drop()
                if attempt == 2:
                    raise DeliveryError("the SMTP server closed the connection") from None
            except smtplib.SMTPRecipientsRefused as error:
                codes = sorted({code for code, _ in error.recipients.values()})
                raise DeliveryError(
                    f"the SMTP server refused the recipient address (SMTP code "
                    f"{', '.join(map(str, codes))})"
                ) from None
            except smtplib.SMTPSenderRefused as error:
                raise DeliveryError(
                    f"the SMTP server refused the sender RECOMENTOR_SMTP_FROM ({_code(error)})"
                ) from None
            except smtplib.SMTPResponseException as error:
                raise DeliveryError(
                    f"the SMTP server refused the message ({_code(error)})"
                ) from None
            except (OSError, smtplib.SMTPException) as error:
                self._drop()
                raise DeliveryError(
                    f"sending to the SMTP server failed ({type(error).__name__})"
                ) from None

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.quit()
        except (OSError, smtplib.SMTPException):
            pass  # the messages were delivered; a failed goodbye changes nothing
        finally:
            self._connection = None


class Throttle:
    """At most `per_second` messages a second: waits before each one as long as needed."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not per_second > 0:
            raise InvalidInputError("RECOMENTOR_MAIL_PER_SECOND must be a number above 0")
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._next: float | None = None

    def wait(self) -> None:
        now = self._clock()
        if self._next is not None and now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval
