"""Topics behind synthetic skills and goals, each with French and English paraphrases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

JUNIOR: Final = "junior"
SENIOR: Final = "senior"


@dataclass(frozen=True)
class Topic:
    """One thing people can teach or want to learn, and the ways they write it."""

    key: str
    side: str  # JUNIOR: digital natives teach it; SENIOR: experienced people teach it
    popularity: float  # relative frequency in answers; some topics are asked for far more often
    skill_fr: tuple[str, ...]
    skill_en: tuple[str, ...]
    goal_fr: tuple[str, ...]
    goal_en: tuple[str, ...]


TOPICS: Final[tuple[Topic, ...]] = (
    Topic(
        "social_short_video", JUNIOR, 1.6,
        ("TikTok et Instagram", "création de contenus pour Instagram et TikTok",
         "réseaux sociaux : Reels, stories et tendances", "animer un compte Instagram"),
        ("TikTok and Instagram", "creating Instagram Reels and TikTok content",
         "social media trends and short formats"),
        ("Comprendre TikTok et Instagram", "savoir publier sur Instagram",
         "découvrir les codes des réseaux sociaux"),
        ("Understand TikTok and Instagram", "learn how Instagram stories work",
         "get the hang of social media trends"),
    ),
    Topic(
        "linkedin_branding", JUNIOR, 1.4,
        ("LinkedIn : personal branding", "marque employeur sur LinkedIn",
         "optimiser un profil LinkedIn et publier régulièrement"),
        ("LinkedIn personal branding", "building a professional presence on LinkedIn",
         "employer branding on LinkedIn"),
        ("Développer ma visibilité sur LinkedIn", "savoir publier sur LinkedIn",
         "travailler mon personal branding"),
        ("Grow my visibility on LinkedIn", "learn to post on LinkedIn",
         "work on my personal brand online"),
    ),
    Topic(
        "generative_ai", JUNIOR, 2.0,
        ("IA générative au quotidien (ChatGPT, Copilot)", "rédaction de prompts",
         "utiliser ChatGPT pour gagner du temps", "prompt engineering et outils d'IA générative"),
        ("Generative AI (ChatGPT, Copilot)", "prompt writing",
         "using AI assistants to speed up daily work"),
        ("Comprendre l'IA générative", "apprendre à utiliser ChatGPT",
         "savoir écrire de bons prompts", "ce que l'IA peut faire pour mon métier"),
        ("Understand generative AI", "learn to use ChatGPT and Copilot",
         "write better prompts"),
    ),
    Topic(
        "python_data", JUNIOR, 1.0,
        ("Python pour l'analyse de données", "pandas et notebooks Jupyter",
         "scripts Python pour traiter des fichiers"),
        ("Python for data analysis", "pandas and Jupyter notebooks",
         "data wrangling in Python"),
        ("M'initier à Python", "analyser des données avec Python",
         "comprendre ce que font les data analysts"),
        ("Learn the basics of Python", "analyse data with Python",
         "get started with pandas"),
    ),
    Topic(
        "power_bi", JUNIOR, 1.1,
        ("Power BI", "tableaux de bord Power BI", "dataviz et reporting avec Power BI"),
        ("Power BI dashboards", "data visualisation with Power BI", "building reports in Power BI"),
        ("Construire un tableau de bord Power BI", "lire et créer des dashboards",
         "mieux visualiser mes indicateurs"),
        ("Build a Power BI dashboard", "learn data visualisation",
         "make sense of dashboards"),
    ),
    Topic(
        "sql", JUNIOR, 0.7,
        ("SQL et bases de données", "requêtes SQL", "interroger une base de données en SQL"),
        ("SQL queries", "databases and SQL", "querying data warehouses"),
        ("Apprendre le SQL", "savoir interroger une base de données", "bases du SQL"),
        ("Learn SQL", "query a database on my own", "SQL basics"),
    ),
    Topic(
        "no_code_automation", JUNIOR, 1.0,
        ("outils no-code (Power Automate, Zapier)", "automatisation de tâches sans coder",
         "Power Automate et flux automatisés"),
        ("no-code tools (Power Automate, Zapier)", "workflow automation",
         "automating repetitive tasks without code"),
        ("Automatiser mes tâches répétitives", "découvrir le no-code",
         "utiliser Power Automate"),
        ("Automate repetitive tasks", "discover no-code tools", "learn Zapier or Power Automate"),
    ),
    Topic(
        "agile", JUNIOR, 1.0,
        ("méthodes agiles Scrum", "Kanban et rituels agiles", "gestion de projet agile"),
        ("agile methods (Scrum, Kanban)", "running sprints and retrospectives",
         "agile project management"),
        ("Comprendre les méthodes agiles", "animer un projet en mode Scrum",
         "découvrir le Kanban"),
        ("Understand agile and Scrum", "learn to run a sprint", "work in an agile way"),
    ),
    Topic(
        "hybrid_tools", JUNIOR, 1.2,
        ("outils collaboratifs (Teams, Notion, Miro)", "travail hybride et réunions à distance",
         "Notion et Miro pour organiser le travail"),
        ("collaboration tools (Teams, Notion, Miro)", "hybrid work and remote meetings",
         "running workshops on Miro"),
        ("Mieux utiliser Teams et les outils collaboratifs", "animer des réunions hybrides",
         "découvrir Notion et Miro"),
        ("Get more out of Teams and collaboration tools", "run better hybrid meetings",
         "learn Miro for workshops"),
    ),
    Topic(
        "cybersecurity", JUNIOR, 0.7,
        ("hygiène numérique et cybersécurité", "repérer le phishing",
         "bonnes pratiques de sécurité (mots de passe, MFA)"),
        ("cybersecurity hygiene", "spotting phishing emails", "password managers and MFA"),
        ("Me protéger des cyberattaques", "reconnaître un mail de phishing",
         "les bons réflexes de cybersécurité"),
        ("Stay safe online", "recognise phishing", "cybersecurity good practice"),
    ),
    Topic(
        "podcast_video", JUNIOR, 0.6,
        ("podcasts et vidéos courtes", "montage vidéo sur smartphone", "créer un podcast"),
        ("podcasting and short video", "editing video on a phone", "recording a podcast"),
        ("Lancer un podcast", "tourner et monter une vidéo courte",
         "comprendre les formats vidéo courts"),
        ("Start a podcast", "shoot and edit short videos", "learn short video formats"),
    ),
    Topic(
        "crm_social_selling", JUNIOR, 0.7,
        ("CRM et social selling", "prospection sur les réseaux sociaux", "Salesforce et HubSpot"),
        ("CRM and social selling", "prospecting on social networks", "HubSpot and Salesforce"),
        ("Découvrir le social selling", "mieux utiliser le CRM", "prospecter via LinkedIn"),
        ("Learn social selling", "make better use of our CRM", "prospect through social media"),
    ),
    Topic(
        "seo_analytics", JUNIOR, 0.7,
        ("SEO et Google Analytics", "référencement naturel", "analyse d'audience web"),
        ("SEO and web analytics", "Google Analytics", "search engine optimisation"),
        ("Comprendre le référencement", "lire les statistiques d'un site web",
         "les bases du SEO"),
        ("Understand SEO", "read web analytics", "learn how search ranking works"),
    ),
    Topic(
        "digital_twin_3d", JUNIOR, 0.4,
        ("impression 3D", "jumeau numérique et modélisation 3D", "CAO et prototypage rapide"),
        ("3D printing", "digital twins and 3D modelling", "rapid prototyping"),
        ("Découvrir l'impression 3D", "comprendre le jumeau numérique",
         "ce que la 3D change en production"),
        ("Discover 3D printing", "understand digital twins", "learn about rapid prototyping"),
    ),
    Topic(
        "e_learning", JUNIOR, 0.6,
        ("e-learning et formats courts", "créer des modules de formation en ligne",
         "microlearning et outils auteur"),
        ("e-learning design", "building online training modules", "microlearning"),
        ("Concevoir une formation en ligne", "découvrir le microlearning",
         "rendre mes formations plus digitales"),
        ("Design an online course", "learn about microlearning", "digitise my training sessions"),
    ),
    Topic(
        "gen_z", JUNIOR, 1.1,
        ("les attentes de la génération Z", "codes et usages des jeunes générations",
         "ce qui motive les moins de 25 ans au travail"),
        ("Gen Z expectations at work", "how younger generations work",
         "what motivates young employees"),
        ("Comprendre la génération Z", "mieux manager les jeunes recrues",
         "décoder les attentes des jeunes talents"),
        ("Understand Gen Z", "manage young hires better", "learn what young talent expects"),
    ),
    Topic(
        "csr_young", JUNIOR, 0.8,
        ("RSE vue par les jeunes générations", "sobriété numérique et éco-gestes",
         "engagement climat et développement durable"),
        ("sustainability from a young perspective", "digital sobriety",
         "climate engagement at work"),
        ("Intégrer la RSE dans mon activité", "comprendre les attentes des jeunes sur le climat",
         "réduire l'empreinte numérique de mon équipe"),
        ("Bring sustainability into my job", "understand young people's climate concerns",
         "reduce my team's digital footprint"),
    ),
    Topic(
        "excel_automation", JUNIOR, 1.0,
        ("automatisation Excel avec Power Query", "macros et VBA", "formules Excel avancées"),
        ("Excel automation with Power Query", "Excel macros", "advanced Excel formulas"),
        ("Automatiser mes fichiers Excel", "apprendre Power Query", "maîtriser les TCD"),
        ("Automate my Excel files", "learn Power Query", "master pivot tables"),
    ),
    Topic(
        "design_thinking", JUNIOR, 0.6,
        ("design thinking", "ateliers d'idéation", "approche centrée utilisateur"),
        ("design thinking", "ideation workshops", "user-centred design"),
        ("Découvrir le design thinking", "animer un atelier créatif",
         "mettre l'utilisateur au centre"),
        ("Learn design thinking", "run a creative workshop", "think user-first"),
    ),
    Topic(
        "visual_design", JUNIOR, 0.8,
        ("Canva et design graphique", "Figma", "créer des visuels percutants"),
        ("Canva and graphic design", "Figma", "making slides and visuals that stand out"),
        ("Faire de beaux visuels avec Canva", "améliorer mes présentations",
         "découvrir Figma"),
        ("Make better visuals with Canva", "improve my slide decks", "get started with Figma"),
    ),
    Topic(
        "mobile_ux", JUNIOR, 0.5,
        ("applications mobiles et UX", "expérience utilisateur sur mobile",
         "tests utilisateurs d'applis"),
        ("mobile apps and UX", "mobile user experience", "app usability testing"),
        ("Comprendre l'expérience utilisateur", "mieux connaître les usages mobiles",
         "les bases de l'UX"),
        ("Understand user experience", "learn how people use mobile apps", "UX basics"),
    ),
    Topic(
        "online_communities", JUNIOR, 0.5,
        ("animation de communautés en ligne", "Discord et communautés Slack",
         "community management"),
        ("online community building", "Discord and Slack communities", "community management"),
        ("Animer une communauté en ligne", "comprendre Discord", "faire vivre un réseau interne"),
        ("Grow an online community", "understand Discord", "animate an internal network"),
    ),
    Topic(
        "strategy", SENIOR, 1.3,
        ("stratégie d'entreprise", "vision stratégique et plan à moyen terme",
         "lecture du marché et de la concurrence", "construction d'un plan stratégique"),
        ("corporate strategy", "strategic planning", "market and competitor analysis",
         "long-term vision"),
        ("Comprendre la stratégie de l'entreprise", "prendre de la hauteur",
         "savoir lire un plan stratégique"),
        ("Understand the company strategy", "see the bigger picture", "learn strategic thinking"),
    ),
    Topic(
        "negotiation", SENIOR, 1.0,
        ("négociation", "négociation commerciale et achats", "conduite de négociations complexes",
         "techniques de négociation"),
        ("negotiation", "commercial negotiation", "handling tough negotiations",
         "negotiation techniques"),
        ("Apprendre à négocier", "négocier mon salaire", "mieux préparer une négociation"),
        ("Learn to negotiate", "negotiate with suppliers", "prepare a negotiation"),
    ),
    Topic(
        "leadership", SENIOR, 1.4,
        ("leadership", "management d'équipe", "accompagner un premier poste de manager",
         "motiver et faire grandir une équipe"),
        ("leadership", "team management", "coaching first-time managers",
         "growing and motivating a team"),
        ("Leadership, manager une équipe pour la première fois", "devenir manager",
         "développer mon leadership"),
        ("Become a first-time manager", "develop my leadership", "lead a team"),
    ),
    Topic(
        "public_speaking", SENIOR, 1.2,
        ("prise de parole en public", "présenter devant un comité", "art oratoire et pitch",
         "animer une plénière"),
        ("public speaking", "presenting to senior audiences", "pitching ideas",
         "speaking at conferences"),
        ("Prise de parole en public", "gagner en aisance à l'oral", "réussir mes présentations"),
        ("Public speaking", "feel confident presenting", "pitch my ideas"),
    ),
    Topic(
        "budgeting", SENIOR, 0.7,
        ("gestion budgétaire", "construction et suivi de budget", "pilotage financier",
         "lecture d'un compte de résultat"),
        ("budgeting", "financial planning and control", "building a budget",
         "reading a P&L"),
        ("Comprendre un budget", "piloter les coûts de mon projet", "lire un compte de résultat"),
        ("Understand budgets", "manage project costs", "read a P&L"),
    ),
    Topic(
        "stakeholder_management", SENIOR, 0.9,
        ("gestion des parties prenantes", "influence et diplomatie interne",
         "travailler avec la direction générale", "embarquer des sponsors"),
        ("stakeholder management", "influencing without authority",
         "working with senior leadership", "building sponsorship"),
        ("Négociation et gestion des parties prenantes", "savoir convaincre en interne",
         "comprendre les jeux d'acteurs"),
        ("Manage stakeholders", "influence without authority", "get buy-in from leadership"),
    ),
    Topic(
        "crisis_management", SENIOR, 0.5,
        ("gestion de crise", "communication de crise", "pilotage en situation d'urgence",
         "cellule de crise"),
        ("crisis management", "crisis communication", "leading through emergencies",
         "business continuity"),
        ("Savoir gérer une crise", "communiquer en situation de crise",
         "garder son calme sous pression"),
        ("Handle a crisis", "communicate in a crisis", "stay calm under pressure"),
    ),
    Topic(
        "career_development", SENIOR, 1.1,
        ("développement de carrière", "accompagnement des parcours professionnels",
         "mobilité interne et réseau", "conseils d'orientation"),
        ("career development", "career coaching", "internal mobility and networking",
         "career advice"),
        ("Construire mon parcours professionnel", "évoluer dans l'entreprise",
         "développer mon réseau interne"),
        ("Plan my career", "grow within the company", "build my internal network"),
    ),
    Topic(
        "change_management", SENIOR, 0.8,
        ("conduite du changement", "accompagner une transformation",
         "pilotage de projets de transformation", "gestion des résistances au changement"),
        ("change management", "leading transformations", "driving organisational change",
         "handling resistance to change"),
        ("Conduire le changement", "accompagner une transformation", "embarquer mon équipe"),
        ("Lead change", "support a transformation", "bring my team along"),
    ),
    Topic(
        "executive_committee", SENIOR, 0.6,
        ("fonctionnement du comité de direction", "gouvernance et prise de décision",
         "préparer un passage en comex", "codes de la direction générale"),
        ("how the executive committee works", "governance and decision-making",
         "preparing for board meetings", "executive presence"),
        ("Comprendre le comité de direction", "savoir présenter en comex",
         "comprendre comment se prennent les décisions"),
        ("Understand how the executive committee works", "present to the board",
         "learn how decisions are made"),
    ),
)  # fmt: skip

# Off-topic answers people add; they belong to no topic, so they carry no signal.
OFF_TOPIC_FR: Final = (
    "la cuisine italienne", "la photographie", "le running", "le jardinage", "les échecs",
    "la guitare", "gestion du temps",
)  # fmt: skip
OFF_TOPIC_EN: Final = (
    "photography", "cooking", "chess", "trail running", "playing guitar", "time management",
)  # fmt: skip

# Qualifiers appended to some phrases so the same topic rarely yields the same answer.
QUALIFIERS_FR: Final = (
    " (bases)", " au quotidien", " en pratique", " (niveau avancé)", " concrètement",
)  # fmt: skip
QUALIFIERS_EN: Final = (" (basics)", " day to day", " in practice", " (advanced)", " hands-on")

# Topic and language sets are stored as 64-bit masks, so the taxonomy stays under 64 topics.
TOPIC_KEYS: Final = tuple(topic.key for topic in TOPICS)
