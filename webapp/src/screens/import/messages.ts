import { defineMessages } from "../../i18n/i18n";

export const importMessages = defineMessages({
  en: {
    title: "Import",
    placeholder: "The import wizard will be here: choose a file, map its columns, preview, import.",
  },
  fr: {
    title: "Importer",
    placeholder:
      "L’assistant d’import sera ici : choisir un fichier, associer ses colonnes, prévisualiser, importer.",
  },
});
