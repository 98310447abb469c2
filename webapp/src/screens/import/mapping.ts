// The wizard's column mapping: one choice per detected column, from the server's suggestions,
// turned into the fieldMapping the preview and the import both receive (the same one).
import type { FieldMappingInput, ImportMode, StageFileMutation } from "../../gql/graphql";
import type { ImportText } from "./messages";

export type StagedFile = NonNullable<StageFileMutation["stageFile"]["stagedFile"]>;
export type DetectedColumn = StagedFile["columns"][number];

/** The recipient fields a column can fill, besides an attribute or nothing. */
export const RECIPIENT_FIELDS = ["email", "firstName", "lastName", "status"] as const;
export type RecipientField = (typeof RECIPIENT_FIELDS)[number];
export type FieldChoice = RecipientField | "attribute" | "ignore";

export interface ColumnChoice {
  header: string;
  field: FieldChoice;
  /** The attribute's name, when `field` is "attribute". */
  attribute: string;
}

/** What the preview and the import are asked with: the same request, so the preview is exact. */
export interface ImportRequest {
  stagedFileId: string;
  groupId: string | null;
  groupName: string | null;
  mode: ImportMode;
  fieldMapping: FieldMappingInput[];
}

function isRecipientField(value: string): value is RecipientField {
  return (RECIPIENT_FIELDS as readonly string[]).includes(value);
}

/** The server's suggestion for a column as a choice: a field, an attribute, or ignore. */
export function suggestedChoice(column: DetectedColumn): ColumnChoice {
  const suggestion = column.header === "" ? null : column.suggestedField;
  if (suggestion === null) return { header: column.header, field: "ignore", attribute: column.header };
  if (isRecipientField(suggestion)) return { header: column.header, field: suggestion, attribute: column.header };
  return { header: column.header, field: "attribute", attribute: suggestion };
}

/** The fieldMapping of the choices: every named column, "" for an ignored one. */
export function fieldMapping(choices: ColumnChoice[]): FieldMappingInput[] {
  return choices
    .filter((choice) => choice.header !== "")
    .map((choice) => ({
      column: choice.header,
      field:
        choice.field === "ignore" ? "" : choice.field === "attribute" ? choice.attribute.trim() : choice.field,
    }));
}

/** The label of a recipient field in the current language. */
export function fieldLabel(t: ImportText, field: RecipientField): string {
  return { email: t.fieldEmail, firstName: t.fieldFirstName, lastName: t.fieldLastName, status: t.fieldStatus }[
    field
  ];
}

/** What is wrong with the choices before asking the server (null: nothing). */
export function mappingProblem(t: ImportText, choices: ColumnChoice[]): string | null {
  const missing = choices.find((choice) => choice.field === "attribute" && choice.attribute.trim() === "");
  if (missing) return t.attributeMissing(missing.header);
  const targets = fieldMapping(choices)
    .map((pair) => pair.field)
    .filter((field) => field !== "");
  if (targets.filter((field) => field === "email").length !== 1) return t.needEmail;
  const twice = targets.find((field, index) => targets.indexOf(field) !== index);
  if (twice !== undefined) return t.twice(isRecipientField(twice) ? fieldLabel(t, twice) : twice);
  return null;
}

/** How the file's delimiter is said. */
export function delimiterName(t: ImportText, delimiter: string): string {
  if (delimiter === ",") return t.delimiterComma;
  if (delimiter === ";") return t.delimiterSemicolon;
  if (delimiter === "\t") return t.delimiterTab;
  return t.delimiterOther(delimiter);
}

/** A file size for people: "12 KB", "3.4 MB". */
export function sizeText(bytes: number, number: (value: number) => string): string {
  if (bytes < 1024) return `${number(bytes)} B`;
  if (bytes < 1024 * 1024) return `${number(Math.round(bytes / 1024))} KB`;
  return `${number(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
}
