"""A test client that moves through the site as a person would: only by the
links and forms that the pages show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from django.test import Client


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, text)
    text: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.forms: list[Form] = []
        self._link: list | None = None
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._button: list | None = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self._link = [a["href"], ""]
        elif tag == "form":
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is not None:
            if tag == "input" and a.get("name") and "disabled" not in a:
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        self._form.fields.append((a["name"], a.get("value", "on")))
                elif kind == "submit":
                    self._form.buttons.append((a["name"], a.get("value", ""), a.get("value", "")))
                else:
                    self._form.fields.append((a["name"], a.get("value", "")))
            elif tag == "select" and a.get("name") and "disabled" not in a:
                self._select = a["name"]
                self._form.selects[self._select] = []
                self._selected = False
            elif tag == "option" and self._select:
                self._form.selects[self._select].append(a.get("value", ""))
                if "selected" in a:
                    self._form.fields.append((self._select, a.get("value", "")))
                    self._selected = True
            elif tag == "textarea" and a.get("name") and "disabled" not in a:
                self._textarea = a["name"]
                self._form.fields.append((a["name"], ""))
            elif tag == "button":
                self._button = [a.get("name", ""), a.get("value", ""), ""]

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            # As a browser does: with nothing selected, the first option is sent.
            options = self._form.selects[self._select] if self._form else []
            if not self._selected and options and self._form is not None:
                self._form.fields.append((self._select, options[0]))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None and self._form is not None:
            self._button[2] = " ".join(self._button[2].split())
            self._form.buttons.append(tuple(self._button))
            self._button = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._button is not None:
            self._button[2] += data
        if self._form is not None:
            self._form.text += data
        if self._textarea and self._form is not None:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)


class LinkClient:
    def __init__(self, client: Client | None = None) -> None:
        self.client = client or Client()
        self.url = "/"
        self.response = None

    @property
    def html(self) -> str:
        return self.response.content.decode()

    def _parse(self) -> _PageParser:
        parser = _PageParser()
        parser.feed(self.html)
        return parser

    def _settle(self, response):
        while response.status_code in (301, 302, 303):
            self.url = urljoin(self.url, response["Location"])
            response = self.client.get(self.url)
        self.response = response
        return response

    def open(self, url: str):
        self.url = url
        return self._settle(self.client.get(url))

    def click(self, text: str):
        """Follow the first link whose text contains `text`."""
        for href, label in self._parse().links:
            if text in label:
                self.url = urljoin(self.url, href)
                return self._settle(self.client.get(self.url))
        labels = [label for _href, label in self._parse().links]
        raise AssertionError(f"No link with {text!r} on {self.url}; links: {labels}")

    def submit(self, button: str | None = None, containing: str | None = None, **values):
        """Fill in and submit the first form that has `button` (or contains the text
        `containing`); field values by name (`__` in a keyword stands for `-`)."""
        for form in self._parse().forms:
            chosen = None
            if button is not None:
                chosen = next((b for b in form.buttons if button in b[2]), None)
                if chosen is None:
                    continue
            if containing is not None and containing not in form.text:
                continue
            data: dict[str, list[str]] = {}
            for name, value in form.fields:
                data.setdefault(name, []).append(value)
            for name, value in values.items():
                name = name.replace("__", "-")
                data[name] = value if isinstance(value, list) else [str(value)]
            if chosen and chosen[0]:
                data[chosen[0]] = [chosen[1]]
            target = urljoin(self.url, form.action or self.url)
            if form.method == "post":
                response = self.client.post(target, data)
            else:
                response = self.client.get(target, data)
            self.url = target
            return self._settle(response)
        raise AssertionError(f"No form with button {button!r} / text {containing!r} on {self.url}")

    def field_name(self, pattern: str) -> str:
        """The name of a form field matching a regular expression."""
        for form in self._parse().forms:
            for name, _value in form.fields + [(n, "") for n in form.selects]:
                if re.fullmatch(pattern, name):
                    return name
        raise AssertionError(f"No field matching {pattern!r} on {self.url}")
