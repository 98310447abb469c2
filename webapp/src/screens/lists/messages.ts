import { defineMessages } from "../../i18n/i18n";

export const listsMessages = defineMessages({
  en: {
    title: "Lists",
    placeholder: "Groups and their recipients will be listed here.",
  },
  fr: {
    title: "Listes",
    placeholder: "Les groupes et leurs destinataires seront listés ici.",
  },
});

export const jobsMessages = defineMessages({
  en: {
    title: "Jobs",
    placeholder: "The history of imports and restores will be listed here.",
  },
  fr: {
    title: "Tâches",
    placeholder: "L’historique des imports et des restaurations sera listé ici.",
  },
});
