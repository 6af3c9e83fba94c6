"""Error pages: refused, not found, unexpected."""

MESSAGES = {
    "en": {
        "title_400": "Request not valid",
        "text_400": "This request cannot be read. Go back and check the form.",
        "title_403": "Not allowed",
        "text_403": "Your role does not allow this action. Ask an administrator if you need it.",
        "title_csrf": "Form refused",
        "text_csrf": "This form is out of date or did not come from this site. "
        "Reload the page and send it again.",
        "title_404": "Page not found",
        "text_404": "There is no page at this address.",
        "title_405": "Not allowed here",
        "text_405": "This address does not accept this kind of request.",
        "title_413": "Too large",
        "text_413": "What you sent is larger than the server accepts.",
        "title_429": "Too many requests",
        "text_429": "Too many requests in a short time. Wait a minute and try again.",
        "title_500": "Something went wrong",
        "text_500": "An unexpected error occurred. It has been logged as request {request_id}.",
        "title_503": "Temporarily unavailable",
        "text_503": "The database cannot be reached. Try again in a moment.",
        "back_home": "Back to the overview",
    },
    "fr": {
        "title_400": "Requête non valide",
        "text_400": "Cette requête ne peut pas être lue. Revenez en arrière et vérifiez le "
        "formulaire.",
        "title_403": "Action non autorisée",
        "text_403": "Votre rôle ne permet pas cette action. Demandez-la à un administrateur "
        "si vous en avez besoin.",
        "title_csrf": "Formulaire refusé",
        "text_csrf": "Ce formulaire est périmé ou ne vient pas de ce site. "
        "Rechargez la page et envoyez-le de nouveau.",
        "title_404": "Page introuvable",
        "text_404": "Il n'y a pas de page à cette adresse.",
        "title_405": "Action impossible ici",
        "text_405": "Cette adresse n'accepte pas ce type de requête.",
        "title_413": "Trop volumineux",
        "text_413": "Ce que vous avez envoyé dépasse ce que le serveur accepte.",
        "title_429": "Trop de requêtes",
        "text_429": "Trop de requêtes en peu de temps. Attendez une minute et réessayez.",
        "title_500": "Une erreur est survenue",
        "text_500": "Une erreur inattendue s'est produite. Elle est consignée sous la requête "
        "{request_id}.",
        "title_503": "Momentanément indisponible",
        "text_503": "La base de données est injoignable. Réessayez dans un instant.",
        "back_home": "Retour à la vue d'ensemble",
    },
}
