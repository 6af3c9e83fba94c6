"""/session-plans, /session-plans/new and /session-plans/{id}: knowledge-sharing sessions."""

MESSAGES = {
    "en": {
        "title": "Knowledge-sharing sessions",
        "new": "New session plan",
        "intro": "A junior who knows a subject runs a session for several seniors who want to "
        "learn it. Plans are drafts until approved; approved sessions count in later plans.",
        "none": "No session plan yet.",
        "filter": "Show",
        "all_statuses": "All",
        "apply": "Apply",
        "plan": "Plan",
        "status": "Status",
        "created": "Created",
        "sessions": "Sessions",
        "unassigned": "Without a session",
        "coverage": "Goal coverage",
        "baseline": "Greedy baseline",
        "new_title": "New session plan",
        "new_intro": "Learning goals are grouped into topics; each session gets the junior whose "
        "skills cover its topic best. The result is a draft: nothing changes until you approve it.",
        "size": "Attendees per session",
        "size_min": "At least",
        "size_max": "At most",
        "limits": "Sessions per person",
        "max_sessions_per_host": "Hosted by one junior",
        "max_sessions_per_attendee": "Attended by one learner",
        "slots_file": "Time slots (optional CSV file)",
        "slots_file_hint": "Header id,start,end, one slot a line, e.g. "
        "mon-am,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00. Each person is in one session "
        "per slot.",
        "rules_file": "Program rules (optional TOML file)",
        "rules_file_hint": "The matching's rules file: must-filters and exclusions hold between "
        "host and attendees; [sessions] allow_manager = true lets a manager attend a session "
        "their direct report hosts.",
        "submit_new": "Plan the sessions",
        "working": "Planning…",
        "error_size_min": "The least attendees per session is a whole number from 1 to {high}.",
        "error_size_max": "The most attendees per session is a whole number from 1 to {high}.",
        "error_max_sessions_per_host": (
            "Sessions hosted by one junior: a whole number from 1 to {high}."
        ),
        "error_max_sessions_per_attendee": (
            "Sessions attended by one learner: a whole number from 1 to {high}."
        ),
        "error_file_size": "A file may be at most {kib} KiB.",
        "error_encoding": "The file must be UTF-8 text.",
        "created_flash": "Draft session plan created.",
        "approved_flash": "Session plan approved.",
        "discarded_flash": "Session plan discarded.",
        "refused": "Refused: {text}",
        "review_title": "Session plan {short}",
        "approve": "Approve",
        "discard": "Discard",
        "approve_title": "Approve session plan {short}?",
        "discard_title": "Discard session plan {short}?",
        "approve_text": "Its {sessions} sessions will count against everyone's limits and slots "
        "in later plans.",
        "discard_text": "The draft is set aside for good; it stays readable.",
        "approve_confirm": "Approve",
        "discard_confirm": "Discard",
        "cancel": "Cancel",
        "solver": "Solver",
        "solver_optimal": "optimal",
        "solver_time_limit": "stopped at its time limit, {gap} % from the best bound",
        "solver_restricted": "exact over the pairs the relaxation uses, {gap} % from its bound",
        "solver_time_limit_greedy": "no plan within the time limit: the greedy baseline's",
        "coverage_hint": "Goal coverage adds up, for every attendee, how well the host's skill "
        "covers the goal of theirs the session is about; the greedy baseline fills the best "
        "sessions first on the same candidates.",
        "slot": "Slot",
        "host": "Host",
        "attendee_count": "{count} attendees",
        "summary": "{asked} learners asked for this topic; {host}'s skills cover its phrases at "
        "{similarity} on average.",
        "why": "Why this topic and this host?",
        "why_topic": "{count} learners asked for it, in their words:",
        "why_host": "The host's skills cover the topic's phrases at {similarity} on average; "
        "best matches:",
        "attendee": "Attendee",
        "goal": "Goal covered",
        "skill": "Host's skill",
        "similarity": "Similarity",
        "unassigned_title": "Learners without a session ({count})",
        "learner": "Learner",
        "reason": "Why",
        "everyone_served": "Every learner has a session.",
    },
    "fr": {
        "title": "Séances de partage de connaissances",
        "new": "Nouveau plan de séances",
        "intro": "Un junior qui maîtrise un sujet anime une séance pour plusieurs seniors qui "
        "veulent l'apprendre. Un plan reste un brouillon jusqu'à son approbation ; les séances "
        "approuvées comptent dans les plans suivants.",
        "none": "Aucun plan de séances pour l'instant.",
        "filter": "Afficher",
        "all_statuses": "Tous",
        "apply": "Appliquer",
        "plan": "Plan",
        "status": "Statut",
        "created": "Créé le",
        "sessions": "Séances",
        "unassigned": "Sans séance",
        "coverage": "Couverture des objectifs",
        "baseline": "Référence gloutonne",
        "new_title": "Nouveau plan de séances",
        "new_intro": "Les objectifs d'apprentissage sont regroupés en sujets ; chaque séance "
        "revient au junior dont les compétences couvrent le mieux son sujet. Le résultat est un "
        "brouillon : rien ne change avant votre approbation.",
        "size": "Participants par séance",
        "size_min": "Au moins",
        "size_max": "Au plus",
        "limits": "Séances par personne",
        "max_sessions_per_host": "Animées par un junior",
        "max_sessions_per_attendee": "Suivies par un apprenant",
        "slots_file": "Créneaux (fichier CSV facultatif)",
        "slots_file_hint": "En-tête id,start,end, un créneau par ligne, par exemple "
        "lun-matin,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00. Chacun suit une séance au "
        "plus par créneau.",
        "rules_file": "Règles du programme (fichier TOML facultatif)",
        "rules_file_hint": "Le fichier de règles des appariements : filtres obligatoires et "
        "exclusions valent entre l'animateur et les participants ; [sessions] allow_manager = "
        "true permet à un manager de suivre la séance de son collaborateur direct.",
        "submit_new": "Planifier les séances",
        "working": "Planification…",
        "error_size_min": "Le minimum de participants est un nombre entier de 1 à {high}.",
        "error_size_max": "Le maximum de participants est un nombre entier de 1 à {high}.",
        "error_max_sessions_per_host": (
            "Séances animées par un junior : un nombre entier de 1 à {high}."
        ),
        "error_max_sessions_per_attendee": (
            "Séances suivies par un apprenant : un nombre entier de 1 à {high}."
        ),
        "error_file_size": "Un fichier fait au plus {kib} Kio.",
        "error_encoding": "Le fichier doit être du texte UTF-8.",
        "created_flash": "Brouillon de plan de séances créé.",
        "approved_flash": "Plan de séances approuvé.",
        "discarded_flash": "Plan de séances écarté.",
        "refused": "Refusé : {text}",
        "review_title": "Plan de séances {short}",
        "approve": "Approuver",
        "discard": "Écarter",
        "approve_title": "Approuver le plan de séances {short} ?",
        "discard_title": "Écarter le plan de séances {short} ?",
        "approve_text": "Ses {sessions} séances compteront dans les limites et les créneaux de "
        "chacun pour les plans suivants.",
        "discard_text": "Le brouillon est écarté pour de bon ; il reste consultable.",
        "approve_confirm": "Approuver",
        "discard_confirm": "Écarter",
        "cancel": "Annuler",
        "solver": "Solveur",
        "solver_optimal": "optimal",
        "solver_time_limit": "arrêté à sa limite de temps, à {gap} % de la meilleure borne",
        "solver_restricted": (
            "exact sur les paires retenues par la relaxation, à {gap} % de sa borne"
        ),
        "solver_time_limit_greedy": "aucun plan dans le temps imparti : celui de la référence",
        "coverage_hint": "La couverture additionne, pour chaque participant, à quel point la "
        "compétence de l'animateur couvre l'objectif visé par la séance ; la référence gloutonne "
        "remplit d'abord les meilleures séances, sur les mêmes candidats.",
        "slot": "Créneau",
        "host": "Animateur",
        "attendee_count": "{count} participants",
        "summary": "{asked} apprenants ont demandé ce sujet ; les compétences de {host} couvrent "
        "ses formulations à {similarity} en moyenne.",
        "why": "Pourquoi ce sujet et cet animateur ?",
        "why_topic": "{count} apprenants l'ont demandé, avec leurs mots :",
        "why_host": "Les compétences de l'animateur couvrent les formulations du sujet à "
        "{similarity} en moyenne ; meilleures correspondances :",
        "attendee": "Participant",
        "goal": "Objectif couvert",
        "skill": "Compétence de l'animateur",
        "similarity": "Similarité",
        "unassigned_title": "Apprenants sans séance ({count})",
        "learner": "Apprenant",
        "reason": "Pourquoi",
        "everyone_served": "Chaque apprenant a une séance.",
    },
}
