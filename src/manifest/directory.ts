/** The files tenantctl keeps in a rendered directory beside the manifests. */

/**
 * Marks a directory tenantctl owns: `render` replaces it as a whole, and refuses a
 * non-empty directory without it (it may hold the user's work).
 */
export const OWNER_MARKER = ".tenantctl-output";

/**
 * The validated spec, as JSON, beside the manifests: `verify <dir>` judges the files against
 * the intent they were rendered from. No extension, so Argo CD's directory source skips it.
 */
export const SPEC_COPY = ".tenantctl-spec";
