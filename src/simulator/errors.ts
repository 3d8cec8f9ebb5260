/** An answer other than success, thrown from a handler and turned into `{"Message": …}` with its status. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (what: string, id: number | string) => new ApiError(404, `${what} ${id} was not found.`);
