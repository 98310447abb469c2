import { defineMessages } from "../i18n/i18n";

export const uiMessages = defineMessages({
  en: {
    loading: "Loading…",
    retry: "Try again",
    errorTitle: "Something went wrong",
    networkError: "The server could not be reached. Check your connection, then try again.",
    serverError: "The server could not answer this request.",
    unauthorized: "Your token was refused.",
  },
  fr: {
    loading: "Chargement…",
    retry: "Réessayer",
    errorTitle: "Une erreur est survenue",
    networkError: "Le serveur est injoignable. Vérifiez votre connexion, puis réessayez.",
    serverError: "Le serveur n’a pas pu répondre à cette demande.",
    unauthorized: "Votre jeton a été refusé.",
  },
});
