"""The sign-in page and its answers."""

MESSAGES = {
    "en": {
        "title": "Sign in",
        "intro": "Sign in to manage the mentoring program.",
        "email": "E-mail",
        "password": "Password",
        "submit": "Sign in",
        "wrong": "E-mail or password is not right.",
        "disabled": "This account is disabled. Ask an administrator.",
        "throttled": "Too many failed sign-ins. Wait {seconds} seconds and try again.",
        "signed_out": "You are signed out.",
        "expired": "Your session has ended. Sign in again.",
    },
    "fr": {
        "title": "Connexion",
        "intro": "Connectez-vous pour gérer le programme de mentorat.",
        "email": "Adresse e-mail",
        "password": "Mot de passe",
        "submit": "Se connecter",
        "wrong": "L'adresse e-mail ou le mot de passe est incorrect.",
        "disabled": "Ce compte est désactivé. Adressez-vous à un administrateur.",
        "throttled": "Trop d'échecs de connexion. Attendez {seconds} secondes et réessayez.",
        "signed_out": "Vous êtes déconnecté.",
        "expired": "Votre session a pris fin. Reconnectez-vous.",
    },
}
