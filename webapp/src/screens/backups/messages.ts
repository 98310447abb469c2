import { defineMessages } from "../../i18n/i18n";

export const backupsMessages = defineMessages({
  en: {
    title: "Backups",
    placeholder: "Backups by group and date will be listed here.",
  },
  fr: {
    title: "Sauvegardes",
    placeholder: "Les sauvegardes par groupe et par date seront listées ici.",
  },
});
