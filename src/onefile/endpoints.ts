/*
 * OneFile routes by template (SPEC "The OneFile wire contract"). The template ("POST /User/{id}") is what
 * errors, logs and metrics name, so neither concrete ids nor anything from the headers reaches them, and a
 * metric label never has one value per learner.
 */

export type HttpMethod = 'GET' | 'POST';

export interface Route {
  /** Method and template, e.g. "POST /User/Search/{page}/{size}". */
  endpoint: string;
  method: HttpMethod;
  /** Relative to the API root, without a leading slash: "User/Search/1/100". */
  path: string;
}

/** Fills a template's `{name}` placeholders; every parameter is a positive integer (OneFile ids and paging). */
export function route(method: HttpMethod, template: string, params: Record<string, number> = {}): Route {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    // Checked here so a bad id fails before any budget slot or request is spent, and never builds an odd path.
    if (value === undefined || !Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`${method} ${template}: ${name} must be a positive integer, got ${String(value)}`);
    }
    return String(value);
  });
  return { endpoint: `${method} ${template}`, method, path: path.replace(/^\//, '') };
}

export const AUTHENTICATION = route('POST', '/Authentication');

/** The paged search route of a resource, e.g. searchRoute('User', 2, 100) → POST /User/Search/2/100. */
export function searchRoute(resource: string, page: number, size: number): Route {
  return route('POST', `/${resource}/Search/{page}/{size}`, { page, size });
}
